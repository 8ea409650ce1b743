"""How much two documents are about the same thing: the cosine of their n-gram profiles.

The pair features compare two tasks, and none of them says that the two documents belong to different policy
areas: a city's school aesthetic-education (美育) list shares enough phrasing (督导评估, 教师培训, 经费保障) with a
national vocational list for a task pair to score as a true link. A document's profile adds up its tasks'
n-grams, each counted once per task, weighted (1 + log count) × idf (the linker's idf: BM25 over the higher
tasks), scaled to unit length. Measured on the five examples and the 25 corpus documents in one store
(tests/fixtures/corpus): 0.18-0.65 between the eight pairs of documents that restate one another, 0.055-0.079
from each of ten 美育 lists to the national and Liaoning vocational lists, 0.010-0.037 from the housing lists to
the national one. A profile depends only on its own document and the corpus statistics, so every partial index
of link_store gives the same affinity.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

from policykg.graph.cascade.index import NgramIndex

Profile = tuple[np.ndarray, np.ndarray]     # (sorted n-gram ids, unit weights)


def profiles(items: Iterable, index: NgramIndex) -> dict[str, Profile]:
    """The profile of each document (``item.doc``) of ``items``, which must hold whole documents."""
    by_doc: dict[str, list[np.ndarray]] = {}
    for it in items:
        by_doc.setdefault(it.doc, []).append(it.ids)
    return {doc: _profile(arrays, index) for doc, arrays in by_doc.items()}


def _profile(arrays: list[np.ndarray], index: NgramIndex) -> Profile:
    ids, counts = np.unique(np.concatenate(arrays), return_counts=True)   # an item's ids are unique
    weights = (1 + np.log(counts)) * index.lookup(ids)[1]
    norm = float(np.linalg.norm(weights))
    return ids, weights / norm if norm else weights


def cosine(a: Profile, b: Profile) -> float:
    """The cosine of two profiles (1 for a document and itself, 0 when they share no n-gram)."""
    (a_ids, a_w), (b_ids, b_w) = (a, b) if len(a[0]) <= len(b[0]) else (b, a)
    if not len(a_ids) or not len(b_ids):
        return 0.0
    pos = np.minimum(np.searchsorted(b_ids, a_ids), len(b_ids) - 1)   # sorted, unique: no sort needed
    shared = b_ids[pos] == a_ids
    return float(np.dot(a_w[shared], b_w[pos[shared]]))


class Affinities:
    """The affinity of lower documents to higher documents (their profiles by document), once per pair."""

    def __init__(self, lower: dict[str, Profile], higher: dict[str, Profile]) -> None:
        self.lower, self.higher = lower, higher
        self.known: dict[tuple[str, str], float] = {}

    def of(self, low_doc: str, high_doc: str) -> float:
        key = (low_doc, high_doc)
        if key not in self.known:
            self.known[key] = cosine(self.lower[low_doc], self.higher[high_doc])
        return self.known[key]
