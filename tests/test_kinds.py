"""Document kinds: memo (tjänsteskrivelse, tjänsteutlåtande, utlåtande to fullmäktige,
beslutsförslag, protocol or its excerpt that proposes or decides an agreement), agreement
(also its amendments and extensions), other (guidelines, registers, reports, news). One
case per line, grouped by phenomenon; organisations are invented."""

from __future__ import annotations

import pytest

from pipeline.classify import classify, names_itself_other

PROPOSAL = ("\n\nIdéburet offentligt partnerskap med Föreningen Norrsken om läxhjälp\n\n"
            "Ärendet\nFöreningen har erbjudit läxhjälp i stadsdelen sedan 2019. Förvaltningen "
            "bedömer att ett partnerskap ger verksamheten en stabil grund.\n")
PARTIES = ("\n\n1 Parter\nLunds kommun, kulturnämnden, org.nr 212000-1124\n"
           "Föreningen Norrsken, org.nr 802479-8996\n\n2 Ändringar\nÖverenskommelsen gäller "
           "därmed från och med 2025-01-01 till och med 2027-12-31.\n\n3 Underskrifter\n")

# (text, kind)
KINDS = [
    # memos, however they name themselves
    ("Utlåtande 2024:57 RS\n(Dnr KS 2024/123)" + PROPOSAL +
     "Kommunstyrelsen föreslår kommunfullmäktige att besluta följande.\n", "memo"),
    ("Kommunstyrelsens utlåtande till kommunfullmäktige" + PROPOSAL, "memo"),
    ("UTLÅTANDE\nKommunledningskontoret" + PROPOSAL, "memo"),
    ("Tjänsteutlåtande\nSocialförvaltningen\nDatum 2024-03-01" + PROPOSAL, "memo"),
    ("Tjänsteskrivelse" + PROPOSAL, "memo"),
    ("Beslutsförslag\nArbetsmarknadsförvaltningen" + PROPOSAL, "memo"),
    ("Protokollsutdrag\nKulturnämnden\nSammanträdesdatum 2024-05-22\n\n§ 45" + PROPOSAL, "memo"),
    ("Utdrag ur protokoll fört vid sammanträde med socialnämnden" + PROPOSAL, "memo"),
    ("SAMMANTRÄDESPROTOKOLL\nSocialnämnden\n\n§ 12" + PROPOSAL, "memo"),
    ("Idéburet offentligt partnerskap\n\nFörvaltningen föreslår att socialnämnden beslutar att "
     "ingå överenskommelse med Föreningen Norrsken." + PROPOSAL, "memo"),
    # agreements, amendments and extensions
    ("TILLÄGGSÖVERENSKOMMELSE NR 2\ntill överenskommelse om idéburet offentligt partnerskap"
     + PARTIES, "agreement"),
    ("Tillägg till överenskommelse om idéburet offentligt partnerskap" + PARTIES, "agreement"),
    ("Förlängning av överenskommelse om idéburet offentligt partnerskap" + PARTIES, "agreement"),
    ("Överenskommelse om idéburet offentligt partnerskap" + PARTIES, "agreement"),
    # an agreement that names the memo behind it is still an agreement
    ("Överenskommelse om idéburet offentligt partnerskap" + PARTIES +
     "\nBilaga: kulturnämndens tjänsteutlåtande\n", "agreement"),
    # other documents
    ("Riktlinjer för idéburet offentligt partnerskap\n\nDokumenttyp: Riktlinje\n\n"
     "Riktlinjerna gäller för samtliga nämnder.\n", "other"),
    ("FÖRTECKNING\n\nGällande överenskommelser om idéburet offentligt partnerskap\n", "other"),
    ("Rapport\n\nUppföljning av idéburet offentligt partnerskap 2024\n", "other"),
    ("Nyhet\nPublicerad 2024-03-01\n\nKommunen tecknar partnerskap med föreningen.\n",
     "other"),
]


@pytest.mark.parametrize("text,kind", KINDS)
def test_kind(text, kind):
    assert classify(text).kind == kind


# (text, names itself a guideline, register, report or news)
NAMES_ITSELF_OTHER = [
    ("Riktlinjer för idéburet offentligt partnerskap\n", True),
    ("Stadskontoret\nDokumenttyp: Riktlinje\n", True),
    ("Policy för samverkan med civilsamhället\n", True),
    ("FÖRTECKNING\nGällande överenskommelser\n", True),
    ("Sammanställning av gällande partnerskap\n", True),
    ("Uppföljningsrapport 2024\n", True),
    ("Pressmeddelande\nKommunen och föreningen tecknar IOP\n", True),
    # a document that only speaks of guidelines or reports
    ("Överenskommelse om idéburet offentligt partnerskap\nParterna följer stadens riktlinjer "
     "och föreningen lämnar en rapport varje år.\n", False),
    ("Tjänsteskrivelse\nFörslaget följer riktlinjerna för IOP.\n", False),
]


@pytest.mark.parametrize("text,expected", NAMES_ITSELF_OTHER)
def test_names_itself_other(text, expected):
    assert names_itself_other(text) is expected
