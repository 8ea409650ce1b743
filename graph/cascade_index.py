"""Candidate search for cascade linking: a BM25 inverted index over character n-grams of the higher-level tasks.

A lower task's query touches only the posting lists of its own most informative n-grams, so linking 100,000
lower tasks against 10,000 higher ones never scores every pair. Postings are numpy arrays so one query is a
concatenation and a weighted bincount.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

K1 = 1.2            # BM25 term-frequency saturation
B = 0.75            # BM25 length normalisation
QUERY_TERMS = 400   # a query uses at most this many of its rarest n-grams (a long task has ~400)
MAX_DF = 0.1        # n-grams in more than this share of higher tasks are stop-grams (职业, 教育, 推进 ...)


@dataclass
class Postings:
    ids: np.ndarray       # int32 indices of higher items
    weights: np.ndarray   # float32 BM25 term weights (idf included)


class NgramIndex:
    """Inverted index: n-gram -> (higher item indices, BM25 weights); idf kept for scoring features."""

    def __init__(self, gram_sets: list[set[str]]) -> None:
        self.size = len(gram_sets)
        n = max(self.size, 1)
        lengths = np.array([len(g) for g in gram_sets], dtype=np.float32)
        avg = float(lengths.mean()) if self.size else 1.0
        lists: dict[str, list[int]] = {}
        for i, grams in enumerate(gram_sets):
            for g in grams:
                lists.setdefault(g, []).append(i)
        self.idf: dict[str, float] = {}
        self.postings: dict[str, Postings] = {}
        norm = K1 * (1 - B + B * lengths / max(avg, 1.0))
        for g, ids in lists.items():
            df = len(ids)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            self.idf[g] = idf
            arr = np.fromiter(ids, dtype=np.int32, count=df)
            # each gram occurs once per set, so BM25's tf part is (k1+1)/(1+norm)
            self.postings[g] = Postings(arr, (idf * (K1 + 1) / (1 + norm[arr])).astype(np.float32))
        self.max_df = max(2, int(MAX_DF * n))
        # idf of a gram no higher task has: the rarest possible
        self.unseen_idf = math.log(1 + (n + 0.5) / 0.5)

    def weight(self, gram: str) -> float:
        return self.idf.get(gram, self.unseen_idf)

    def query_terms(self, grams: set[str]) -> list[str]:
        """The query's most informative known n-grams, skipping stop-grams; ties broken by the gram itself."""
        known = [g for g in grams if g in self.postings and len(self.postings[g].ids) <= self.max_df]
        known.sort(key=lambda g: (-self.idf[g], g))
        return known[:QUERY_TERMS]

    def scores(self, grams: set[str]) -> np.ndarray:
        """BM25 score of every higher item for this query (zero where no query n-gram occurs)."""
        terms = self.query_terms(grams)
        if not terms:
            return np.zeros(self.size, dtype=np.float32)
        ids = np.concatenate([self.postings[g].ids for g in terms])
        weights = np.concatenate([self.postings[g].weights for g in terms])
        return np.bincount(ids, weights=weights, minlength=self.size).astype(np.float32)

    def top(self, grams: set[str], allowed: np.ndarray | None, k: int) -> list[int]:
        """Indices of the k best-scoring allowed higher items with a positive score, best first (stable)."""
        s = self.scores(grams)
        if allowed is not None:
            s = np.where(allowed, s, 0.0)
        positive = int(np.count_nonzero(s > 0))
        if positive == 0:
            return []
        k = min(k, positive)
        part = np.argpartition(-s, k - 1)[:k] if k < self.size else np.arange(self.size)
        part = [int(i) for i in part if s[i] > 0]
        part.sort(key=lambda i: (-float(s[i]), i))
        return part[:k]
