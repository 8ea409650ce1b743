"""Candidate search for cascade linking: an inverted index over the character n-grams of the higher-level tasks.

N-grams are stored as 32-bit CRC values (stable across processes, unlike Python's salted ``hash``), so an item
is two small numpy arrays instead of sets of strings, and the index is a CSR posting table. A lower task's
query reads the posting lists of its rarest n-grams only, rarest first, up to ``POSTINGS_CAP`` postings in all,
and scores only the higher tasks those postings name (BM25): it never visits every higher task, so linking
grows with the number of lower tasks, not lower × higher.

An index over part of a corpus (one province's share of a national store) ranks and weighs n-grams by the
whole corpus's frequencies but caps a query by the postings it holds itself: what the query actually reads.
There is no absolute stop-gram count. At 1,000,000 tasks a national task's distinctive phrase is restated in
thousands of lists, and a cap of 2,000 (as before) left queries only place names and numbers: 4,359 of
272,798 links started at a task.
"""
from __future__ import annotations

import math
import zlib

import numpy as np

K1 = 1.2              # BM25 term-frequency saturation
B = 0.75              # BM25 length normalisation
QUERY_TERMS = 400     # a query uses at most this many of its rarest n-grams (a long task has ~400)
MAX_DF = 0.1          # n-grams in more than this share of higher tasks are stop-grams (职业, 教育, 推进 ...)
POSTINGS_CAP = 30000  # postings read per query at most (rarest n-grams first)


def gram_ids(grams) -> np.ndarray:
    """Sorted unique int64 ids of n-gram strings (CRC-32 of their UTF-8)."""
    if not grams:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.int64, count=len(grams)))


def bm25_idf(n: int, df: np.ndarray) -> np.ndarray:
    """BM25's idf of n-grams found in ``df`` of ``n`` higher items."""
    return np.log(1 + (n - df + 0.5) / (df + 0.5))


def stop_df(n: int) -> int:
    """The document frequency above which an n-gram of ``n`` higher items is a stop-gram."""
    return max(2, int(MAX_DF * n))


def rarest_terms(positions: np.ndarray, df: np.ndarray, max_df: int, postings: np.ndarray | None = None) \
        -> np.ndarray:
    """Of the query's known n-grams (``positions`` into ``df``; -1: unknown), the most informative, skipping
    stop-grams, rarest first (ties by position: deterministic), up to QUERY_TERMS terms and POSTINGS_CAP
    postings. ``postings``: how many postings each of ``positions`` reads (default: its ``df``)."""
    known = positions >= 0
    pos = positions[known]
    cost = df[pos] if postings is None else postings[known]
    keep = df[pos] <= max_df
    pos, cost = pos[keep], cost[keep]
    if not len(pos):
        return pos
    order = np.lexsort((pos, df[pos]))[:QUERY_TERMS]
    within = np.cumsum(cost[order]) <= POSTINGS_CAP
    within[0] = True
    return pos[order][within]


class CorpusStats:
    """Document frequencies of the n-grams over ALL higher items, gathered a batch at a time (memory grows with
    the vocabulary, not the corpus), so that an index over one part of them scores as the whole would."""

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.int64)
        self.df = np.zeros(0, dtype=np.int64)
        self.size = 0
        self.total_length = 0

    def add(self, id_arrays: list[np.ndarray]) -> None:
        if not id_arrays:
            return
        batch = CorpusStats()
        batch.size, batch.total_length = len(id_arrays), sum(len(a) for a in id_arrays)
        batch.keys, batch.df = np.unique(np.concatenate(id_arrays), return_counts=True)
        self.merge(batch)

    def merge(self, other: "CorpusStats") -> None:
        """Count ``other``'s items too (items of both are counted twice: merge disjoint sets of items)."""
        self.size += other.size
        self.total_length += other.total_length
        keys, inverse = np.unique(np.concatenate([self.keys, other.keys]), return_inverse=True)
        self.df = np.bincount(inverse, weights=np.concatenate([self.df, other.df]),
                              minlength=len(keys)).astype(np.int64)
        self.keys = keys

    def query_grams(self, ids: np.ndarray, within: "CorpusStats | None" = None) -> np.ndarray:
        """The query terms (n-gram ids, in query order) that an index with these statistics over the higher
        items counted in ``within`` (default: all of them) picks for a lower item with n-grams ``ids``: ranked
        by these frequencies, capped by that index's postings. Its keys are sorted as these are, so ties go
        the same way."""
        pos = np.searchsorted(self.keys, ids)
        pos = np.minimum(pos, max(len(self.keys) - 1, 0))
        known = (self.keys[pos] == ids) if len(self.keys) else np.zeros(len(ids), dtype=bool)
        postings = None
        if within is not None:
            postings = within.frequencies(ids)
            known &= postings > 0
        return self.keys[rarest_terms(np.where(known, pos, -1), self.df, stop_df(max(self.size, 1)), postings)]

    def frequencies(self, ids: np.ndarray) -> np.ndarray:
        """Each id's document frequency (0 for an id no higher item has)."""
        if not len(self.keys):
            return np.zeros(len(ids), dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.keys, ids), len(self.keys) - 1)
        return np.where(self.keys[pos] == ids, self.df[pos], 0)


class NgramIndex:
    """Inverted index over the higher items' n-gram id arrays, with the idf used by every scoring feature.
    ``stats``: the frequencies of a larger corpus these items are part of (the index then scores and weighs
    exactly as an index over that whole corpus would, for the items it holds); default: these items alone."""

    def __init__(self, id_arrays: list[np.ndarray], stats: CorpusStats | None = None) -> None:
        self.size = len(id_arrays)
        self.stats = stats
        lengths = np.array([len(a) for a in id_arrays], dtype=np.float64)
        if stats is None:
            n = max(self.size, 1)
            avg = float(lengths.mean()) if self.size else 1.0
        else:
            n = max(stats.size, 1)
            avg = stats.total_length / stats.size if stats.size else 1.0
        if self.size:
            flat = np.concatenate(id_arrays) if id_arrays else np.zeros(0, dtype=np.int64)
            owner = np.repeat(np.arange(self.size, dtype=np.int32), lengths.astype(np.int64))
        else:
            flat, owner = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
        order = np.argsort(flat, kind="stable")          # postings grouped by gram, owners ascending in each
        flat, owner = flat[order], owner[order]
        self.keys, starts, counts = np.unique(flat, return_index=True, return_counts=True)
        self.indptr = np.append(starts, len(flat)).astype(np.int64)
        self.postings = owner
        df = counts if stats is None else stats.frequencies(self.keys)
        self.df = df.astype(np.int32)           # ranks the query terms (the corpus's)
        self.counts = counts.astype(np.int32)   # caps them: the postings this index holds
        self.idf = bm25_idf(n, df)
        norm = K1 * (1 - B + B * lengths / max(avg, 1.0))
        # each gram occurs once per set, so BM25's tf part is (k1+1)/(1+norm)
        self.weights = (np.repeat(self.idf, counts) * (K1 + 1) / (1 + norm[owner])).astype(np.float32) \
            if len(owner) else np.zeros(0, dtype=np.float32)
        self.max_df = stop_df(n)
        self.unseen_idf = math.log(1 + (n + 0.5) / 0.5)   # idf of a gram no higher task has: the rarest possible

    @property
    def vocabulary(self) -> np.ndarray:
        """Every higher n-gram this index scores with (sorted ids): the corpus's, or its own."""
        return self.keys if self.stats is None else self.stats.keys

    def lookup(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in the index or -1, idf) of each id."""
        pos = np.searchsorted(self.keys, ids)
        pos = np.minimum(pos, max(len(self.keys) - 1, 0))
        known = (self.keys[pos] == ids) if len(self.keys) else np.zeros(len(ids), dtype=bool)
        pos = np.where(known, pos, -1)
        if self.stats is not None:       # a gram the corpus has outside these items keeps its corpus idf
            df = self.stats.frequencies(ids)
            return pos, np.where(df > 0, bm25_idf(max(self.stats.size, 1), df), self.unseen_idf)
        idf = np.where(known, self.idf[np.maximum(pos, 0)] if len(self.keys) else 0.0, self.unseen_idf)
        return pos, idf

    def query_terms(self, positions: np.ndarray) -> np.ndarray:
        """Index positions of the query's most informative known n-grams, skipping stop-grams, rarest first
        (ties by position: deterministic), up to QUERY_TERMS terms and POSTINGS_CAP postings of this index."""
        return rarest_terms(positions, self.df, self.max_df, self.counts[np.maximum(positions, 0)]
                            if len(self.counts) else None)

    def top(self, positions: np.ndarray, allowed: np.ndarray | None, k: int) -> list[int]:
        """The k best-scoring allowed higher items (BM25 over the query terms), best first; ties by index."""
        touched, scores = self.scores(self.query_terms(positions), allowed)
        if not len(touched):
            return []
        order = np.lexsort((touched, -scores))[:k]
        return [int(i) for i in touched[order]]

    def scores_for(self, grams: np.ndarray, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """(items, BM25 score) of the allowed items holding any of ``grams``, query terms chosen elsewhere
        (``CorpusStats.query_grams``): an item scores exactly as in any other index over the same corpus
        statistics that holds it, so the best items of several partial indexes are those of one index."""
        pos = np.searchsorted(self.keys, grams)
        pos = np.minimum(pos, max(len(self.keys) - 1, 0))
        known = (self.keys[pos] == grams) if len(self.keys) else np.zeros(len(grams), dtype=bool)
        return self.scores(pos[known], allowed)

    def scores(self, terms: np.ndarray, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """(items, BM25 score) of the allowed items holding any of the ``terms`` (index positions). Each
        item's weights are summed in the order of the terms, so its score is the same bits in every index."""
        if not len(terms):
            return np.zeros(0, dtype=np.int32), np.zeros(0)
        spans = [(self.indptr[t], self.indptr[t + 1]) for t in terms.tolist()]
        owners = np.concatenate([self.postings[a:b] for a, b in spans])
        weights = np.concatenate([self.weights[a:b] for a, b in spans]).astype(np.float64)
        touched, inverse = np.unique(owners, return_inverse=True)
        scores = np.bincount(inverse, weights=weights)
        if allowed is not None:
            keep = allowed[touched]
            touched, scores = touched[keep], scores[keep]
        return touched, scores

    def every(self, allowed: np.ndarray) -> list[int]:
        """Every allowed higher item (the brute-force baseline)."""
        return [int(i) for i in np.flatnonzero(allowed)]
