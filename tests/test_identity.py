"""One notion of who is who (pipeline/identity.py), asked by resolve and the checks
alike. One case per line; names of organisations are invented or generic."""

from __future__ import annotations

import pytest

from pipeline import identity
from pipeline.checks import names

# (a, b, same organisation?)
SAME = [
    ("Föreningen Ljusglimten i Lindö", "Ljusglimten i Lindö", True),
    ("Svenska kyrkan, Lindö pastorat", "Lindö pastorat", True),
    ("Lindö Stadsmission", "Lindö stadsmissionen", True),
    ("Kulturnämnden i Lindö kommun", "Kulturnämnden", True),
    # near-misses: another organisation of the same kind
    ("Lindö Stadsmission", "Askby Stadsmission", False),
    ("Kulturnämnden", "Fritidsnämnden", False),
]


@pytest.mark.parametrize("a,b,same", SAME)
def test_same_organisation(a, b, same):
    assert identity.same_organisation(a, b) is same
    assert names.same_organisation(a, b) is same  # the checks ask the same question


# (name, org number, org number, same?): equal valid numbers decide over names
BY_NUMBER = [
    ("Föreningen Ljusglimten", "Ljusglimten", "802481-4416", "8024814416", True),
    ("Föreningen Ljusglimten", "Föreningen Ljusglimten", "802481-4416", "802477-1118", False),
]


@pytest.mark.parametrize("a,b,org_a,org_b,same", BY_NUMBER)
def test_same_organisation_by_number(a, b, org_a, org_b, same):
    assert identity.same_organisation(a, b, org_a, org_b) is same


# (name, sector)
SECTOR = [
    ("Lindö kommun", "public"),
    ("Malmö stad", "public"),
    ("Region Gotland", "public"),
    ("Västra Götalandsregionen", "public"),
    ("Kulturnämnden", "public"),
    ("Föreningen Ljusglimten", "nonprofit"),
    ("Stiftelsen Havsörnen", "nonprofit"),
    ("Ekbacken AB", "private"),
    # near-misses: a place that ends in -stad, 'region' inside a non-profit's name
    ("Kulturhuset Karlstad", "unknown"),
    ("Bris region Nord", "unknown"),
]


@pytest.mark.parametrize("name,sector", SECTOR)
def test_sector(name, sector):
    assert identity.sector(name) == sector


# (name, kind of public body)
BODY_KINDS = [
    ("Kulturnämnden", "committee"),
    ("Lindö kommun, kulturnämnden", "committee"),
    ("Kulturnämnden i Lindö kommun", "committee"),
    ("Kommunstyrelsen", "committee"),
    ("Kulturförvaltningen", "administration"),
    ("Region Gotland", "region"),
    ("Lindö kommun", "municipality"),
    ("Malmö stad", "municipality"),
    ("Föreningen Ljusglimten", ""),
]


@pytest.mark.parametrize("name,kind", BODY_KINDS)
def test_body_kind(name, kind):
    assert identity.body_kind(name) == kind


def test_the_checks_and_resolve_share_one_key():
    from pipeline.resolve import parties

    assert parties.party_key is identity.party_key
    assert names.side is identity.side and names.words is identity.words
