"""documents.date of a protocol dated by its meeting line ('Plats och tid', 'Tid och
plats', 'Sammanträdesdag'), next to the labels tests/test_document_date.py covers. One case
per line; organisations are invented."""

from __future__ import annotations

import pytest

from tests.helpers import facts_of_text

BODY = ("\n\n§ 45\n\nIdéburet offentligt partnerskap med Föreningen Norrsken\n\n"
        "Kulturnämndens beslut\nKulturnämnden beslutar att ingå överenskommelse om idéburet "
        "offentligt partnerskap med Föreningen Norrsken för perioden 2025-01-01 – "
        "2026-12-31.\n\nJusterat 2024-06-03\n")

# (phenomenon, protocol head, expected date)
MEETINGS = [
    ("place and time, weekday in words",
     "Protokoll\nKulturnämnden\n\nPlats och tid: Stadshuset, onsdagen den 22 maj 2024, "
     "kl. 13.00–15.30", "2024-05-22"),
    ("time and place, ISO date first",
     "SAMMANTRÄDESPROTOKOLL\nKulturnämnden\n\nTid och plats: 2024-05-22 kl 09.00, Rådhuset",
     "2024-05-22"),
    ("label on the line above",
     "Protokoll\nKulturnämnden\n\nPlats och tid\nStadshuset, den 22 maj 2024 kl. 13.00",
     "2024-05-22"),
    ("meeting day",
     "Protokollsutdrag\nKulturnämnden\nSammanträdesdag: 2024-05-22", "2024-05-22"),
]


@pytest.mark.parametrize("phenomenon,head,expected", MEETINGS, ids=[c[0] for c in MEETINGS])
def test_protocol_dated_by_its_meeting(phenomenon, head, expected, tmp_path):
    text = head + BODY
    row, _ = facts_of_text(text, tmp_path)
    assert row["kind"] == "memo"
    assert row["date"] == expected
    assert text[row["date_char_start"]:row["date_char_end"]] == row["date_quote"]


def test_the_justering_day_is_not_the_protocol_date(tmp_path):
    row, _ = facts_of_text("Protokoll\nKulturnämnden" + BODY, tmp_path)
    assert row["kind"] == "memo"
    assert row["date"] is None


def test_a_deadline_in_a_time_sentence_is_not_the_date(tmp_path):
    text = ("Tjänsteskrivelse\nKulturförvaltningen\n\nFörslag till beslut\nTiden för "
            "uppföljning är senast den 31 mars 2026 enligt riktlinjerna.\n" + BODY)
    row, _ = facts_of_text(text, tmp_path)
    assert row["date"] is None
