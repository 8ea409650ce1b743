"""What a unit name looks like (core/lexicon.py) for the national bodies named after the centre (中央): the
synthetic corpus printed 共青团中央 in three national lists and the extractor dropped it as "no department"
(issue 19, found once the generator's truth stopped following the reference data)."""
from __future__ import annotations

import pytest

from policykg.core.lexicon import looks_like_unit


@pytest.mark.parametrize("name", ["共青团中央", "中共中央", "党中央", "团中央"])
def test_bodies_named_after_the_centre_are_units(name):
    assert looks_like_unit(name)


@pytest.mark.parametrize("name", ["加强中央", "2022年中央"])
def test_sentences_ending_in_the_centre_are_not(name):
    assert not looks_like_unit(name)
