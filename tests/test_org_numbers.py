"""Organisationsnummer: written forms, validation, and what is not one."""

from __future__ import annotations

import pytest

from pipeline.extract.org_numbers import OrgNumberRecognizer

R = OrgNumberRecognizer()

# (text, [(number, valid)])
CASES = [
    # labels other municipalities use
    ("Föreningen X, organisationsnummer 802000-1234", [("802000-1234", False)]),
    ("Social- och omsorgsnämnden, organisationsnummer 212000-0449", [("212000-0449", True)]),
    ("Föreningen Y (org.nr 802479-8996)", [("802479-8996", True)]),
    ("Föreningen Y, org. nr. 802479-8996", [("802479-8996", True)]),
    ("Föreningen Y, orgnr: 8024798996", [("802479-8996", True)]),
    ("Föreningen Y, org nr 802479 - 8996", [("802479-8996", True)]),
    ("Linköpings kommun org.nr: 212000-0449", [("212000-0449", True)]),
    ("Stiftelsen Z, organisationsnummer 16802479-8996", [("802479-8996", True)]),
    # no label: only a valid number that cannot be a personnummer counts
    ("Parter: Stiftelsen Z (802479-8996)", [("802479-8996", True)]),
    ("Kontakt: 19750101-1234 eller 750101-1234", []),
    ("Telefon 013-20 60 00", []),
    ("Dnr 2022-10-19", []),
    # a space instead of the hyphen, right after the name's comma or in brackets
    ("Föreningen Y i Kalmar län, 802479 8996 (nedan Föreningen)", [("802479-8996", True)]),
    ("Stiftelsen Z (802479 8996)", [("802479-8996", True)]),
    ("Ring 802479 8996 för bokning", []),
    ("Föreningen Y, 802479 8997 (fel kontrollsiffra)", []),
    # labelled but wrong check digit: kept, marked invalid
    ("Föreningen Q, organisationsnummer 212000-0448", [("212000-0448", False)]),
    ("Föreningen Q, Org nr.: 802411-4505", [("802411-4505", False)]),
    ("Föreningen Q, Org. nr: 802411-4505", [("802411-4505", False)]),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_org_numbers(text, expected):
    assert [(m.value, m.attrs["valid"]) for m in R.match(text)] == expected
