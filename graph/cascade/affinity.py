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

from typing import Iterable, NamedTuple

import numpy as np

from policykg.graph.cascade.index import NgramIndex


class Profile(NamedTuple):
    """A document's n-grams that higher tasks have, as positions in the index's vocabulary (every higher n-gram
    of the store: cascade_index.NgramIndex.vocabulary), with their weights over the norm of ALL its n-grams."""

    positions: np.ndarray
    weights: np.ndarray
    items: int              # the document's tasks and measures (a short list's profile says little)


def profiles(items: Iterable, index: NgramIndex) -> dict[str, Profile]:
    """The profile of each document (``item.doc``) of ``items``, which must hold whole documents."""
    by_doc: dict[str, list[np.ndarray]] = {}
    for it in items:
        by_doc.setdefault(it.doc, []).append(it.ids)
    return {doc: _profile(arrays, index) for doc, arrays in by_doc.items()}


def _profile(arrays: list[np.ndarray], index: NgramIndex) -> Profile:
    ids, counts = np.unique(np.concatenate(arrays), return_counts=True)   # an item's ids are unique
    weights = (1 + np.log(counts)) * index.lookup(ids)[1]
    norm = float(np.linalg.norm(weights)) or 1.0
    vocabulary = index.vocabulary
    if not len(vocabulary):
        return Profile(np.zeros(0, dtype=np.int64), np.zeros(0), len(arrays))
    pos = np.minimum(np.searchsorted(vocabulary, ids), len(vocabulary) - 1)
    known = vocabulary[pos] == ids
    return Profile(pos[known], weights[known] / norm, len(arrays))


class Affinities:
    """The cosine of lower documents' profiles with higher documents', once per pair. A lower profile is spread
    over the vocabulary once (a dense vector) and each higher one is read from it: a gather, not a search of one
    sorted list in another (bench_cascade's 10,000 lower tasks restate tasks of 200 lists at random: its 21,498
    pairs of documents took 5 s of CPU searched, and too little to tell gathered)."""

    def __init__(self, lower: dict[str, Profile], higher: dict[str, Profile], vocabulary_size: int) -> None:
        self.lower, self.higher = lower, higher
        self.known: dict[tuple[str, str], float] = {}
        self._dense = np.zeros(vocabulary_size)
        self._spread: str | None = None         # the lower document in _dense

    @classmethod
    def of_batch(cls, items: Iterable, index: NgramIndex, higher: dict[str, Profile]) -> "Affinities":
        """The affinities of a batch of lower items' documents (whole documents), profiled with ``index``, to the
        ``higher`` documents' profiles (made with an index over the same vocabulary)."""
        return cls(profiles(items, index), higher, len(index.vocabulary))

    def items(self, low_doc: str) -> int:
        return self.lower[low_doc].items

    def of(self, low_doc: str, high_doc: str) -> float:
        key = (low_doc, high_doc)
        if key not in self.known:
            if self._spread != low_doc:
                if self._spread is not None:
                    self._dense[self.lower[self._spread].positions] = 0.0
                low = self.lower[low_doc]
                self._dense[low.positions] = low.weights
                self._spread = low_doc
            high = self.higher[high_doc]
            self.known[key] = float(self._dense[high.positions] @ high.weights)
        return self.known[key]
