"""The cascade linker's scoring model: a logistic regression over the pair features (cascade_features), fitted
OFFLINE on the hand-labelled pairs of tests/fixtures/cascade/gold_links.yaml by scripts/fit_cascade_model.py.

The coefficients live in cascade_model.json beside this file, versioned with the code; nothing is trained at
run time. A link's score is the model's probability that the pair is a true link, and its evidence lists each
feature's contribution to the log-odds, so a reader sees why (e.g. "class_clash −2.1").
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def model() -> dict:
    if _override is not None:
        return _override
    path = resources.files("policykg.graph.cascade").joinpath("cascade_model.json")
    return json.loads(path.read_text(encoding="utf-8"))


def logit(features: dict) -> float:
    m = model()
    return m["intercept"] + math.fsum(c * features[name] for name, c in zip(m["features"], m["coefficients"]))


def probability(features: dict) -> float:
    z = logit(features)
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def contributions(features: dict) -> dict[str, float]:
    """Each non-zero term of the log-odds, rounded (the intercept under 'intercept')."""
    m = model()
    out = {"intercept": round(m["intercept"], 3)}
    for name, c in zip(m["features"], m["coefficients"]):
        if features[name]:
            out[name] = round(c * features[name], 3)
    return out


def threshold() -> float:
    """The probability at or above which a link is a fact, chosen by the fitting script from held-out figures."""
    return model()["threshold"]


def version() -> str:
    return model()["version"]


def use(fitted: dict | None) -> None:
    """Score with ``fitted`` instead of the shipped model (None: back to it). For the fitting script's
    cross-validation only; the linker never changes its model at run time."""
    global _override
    _override = fitted
    model.cache_clear()


_override: dict | None = None
