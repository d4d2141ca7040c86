"""party_key: the written forms of one organisation share a key; different ones do not.
One case per line, grouped by phenomenon."""

from __future__ import annotations

import pytest

from pipeline.resolve.parties import party_key

# (one written form, another written form of the same organisation)
SAME = [
    # definite and indefinite forms
    ("domkyrkopastoratet", "Domkyrkopastorat"),
    # a parent prefix
    ("Svenska kyrkan, Linköpings Domkyrkopastorat", "Linköpings Domkyrkopastorat"),
    ("Stiftelsen Västerås Stadsmission", "Västerås Stadsmission"),
    # the place after the organisation word
    ("Stadsmissionen i Västerås", "Västerås Stadsmission"),
    ("Räddningsmissionen i Göteborg", "Göteborgs Räddningsmission"),
    ("Domkyrkopastoratet i Linköping", "Linköpings domkyrkopastorat"),
    ("Stadsmissionen i Borås", "Borås Stadsmission"),
    # a committee and its municipality
    ("Omsorgsnämnden, Linköpings kommun", "Omsorgsnämnden"),
]

# (two names that must not share a key)
DIFFERENT = [
    # a name whose last words are a place is not inverted
    ("Föreningen Gemenskap i Ersboda", "Ersbodas förening"),
    ("Stadsmissionen i Västerås", "Stadsmissionen i Uppsala"),
    ("Göteborgs Räddningsmission", "Göteborgs Stadsmission"),
]


@pytest.mark.parametrize("a,b", SAME)
def test_same_organisation(a, b):
    assert party_key(a) == party_key(b)


@pytest.mark.parametrize("a,b", DIFFERENT)
def test_different_organisations(a, b):
    assert party_key(a) != party_key(b)
