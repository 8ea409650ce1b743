"""Reading a test's embedded store back whole, to compare two stores (or one store before and after) byte for byte."""
from __future__ import annotations

from pathlib import Path

from policykg.graph.stores.rdf_store import OxigraphStore


def dump(path: Path) -> bytes:
    """Every quad of the Oxigraph store at ``path`` as sorted N-Quads (``OxigraphStore.dump_nquads``)."""
    store = OxigraphStore(path)
    try:
        return store.dump_nquads()
    finally:
        store.close()
