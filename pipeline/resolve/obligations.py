"""Obligations: who commits to what, how many and how often.

For each commitment cue, the party is the subject before it (a party of the document in any
written form, 'kommunen' for the municipality, or an organisation unit such as
'Social- och omsorgsförvaltningen'); the action is the clause after it, split where actions
are listed ('genomföra ..., att rekrytera ..., anordna lokaler'); quantity and frequency
come from the action ('minst sex stödgrupper per år' -> 6, per_year).
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.extract.numbers import count_regex, count_value
from pipeline.extract.patterns import alternation, word_alternation
from pipeline.extract.sentences import Lists, sentence_of, sentences
from pipeline.lang import table
from pipeline.normalize import CleanText
from pipeline.records import Mention
from pipeline.resolve.common import provenance
from pipeline.resolve.parties import Parties

_I = re.IGNORECASE
# A noun phrase opening the clause: 'Social- och omsorgsförvaltningen ansvarar för ...'.
_SUBJECT_AT_START = re.compile(
    r"\s*(?:därför\s+kommer\s+|även\s+)?"
    r"(?P<np>[A-ZÅÄÖ][\wåäö]*(?:-\s+och\s+[\wåäö]+)?(?:\s+[\wåäö]+){0,4}?)"
    r"\s*(?:,|\s+(?:även|också|genom|därför|aktivt)\b|$)")
# Compiled once: these run per commitment cue, thousands of times in an archive.
_SAME_SUBJECT = re.compile(r"\s(?:och|samt)\s*$")
_COMMA = re.compile(r",\s+")
_GIVEN_TO = re.compile(r"\bfår\s+(?P<x>.+?)\s*$", re.IGNORECASE)
_ADVERBIAL = re.compile(r",[^,]{0,40},")
_STOP = re.compile(r"[.;:]")
_CLAUSE_END = re.compile(r"[.;:](?:\s|$)|\n")
_ACTION_SEPARATOR = re.compile(
    r",\s*(?:(?P<link>och\s+|samt\s+|att\s+|och\s+att\s+)|(?=[a-zåäö]+a\s))")
_ACTION_LEAD = re.compile(r"^\s*(?:att\s+)?")
_ACTION_TAIL = re.compile(r"\s+(?:och\s+)?$")
_THREE_LETTERS = re.compile(r"[a-zåäö]{3}")
_SPACES = re.compile(r"\s+")


@cache
def _res() -> dict:
    periods = table("periods")
    units = alternation(periods["frequency_units"])
    count = count_regex()
    org_endings = tuple(e for s in table("organisations")["sector"].values() for e in s["endings"])
    return {
        "times": re.compile(
            rf"(?P<count>{count})\s*(?:{alternation(periods['times_words'])})\s*"
            rf"(?:{alternation(periods['per_words'])})\s*(?P<unit>{units})(?![\wåäö])", _I),
        # a count, not money or a day: '120 tkr', '96 000 kr' and 'senast den 31 mars' are
        # no quantity of the action
        "count": re.compile(
            rf"(?P<count>{count})(?=\s+[\wåäö])"
            rf"(?!\s+\d)(?!\s*(?:{alternation(table('amounts')['units'])})(?![\wåäö]))"
            rf"(?!\s*(?:{alternation(table('months')['months'])})(?![\wåäö]))", _I),
        "per": re.compile(rf"(?<![\wåäö])(?:per|varje|i|om)\s+(?P<unit>{units})(?![\wåäö])", _I),
        "adverb": re.compile(word_alternation(
            a.replace("_", " ") for a in periods["frequency_adverbs"]).replace(
            "(?:", "(?P<adverb>", 1), _I),
        "org_endings": org_endings,
        "not_subjects": set(table("obligations")["not_subjects"]),
        "enumeration": re.compile(
            word_alternation(table("obligations")["enumeration_markers"]), _I),
        "subordinate": re.compile(
            rf"^\s*(?:{alternation(table('obligations')['subordinate_openers'])})\s", _I),
        "money": re.compile(table("obligations")["money_action"], _I),
        "list_announcements": set(table("obligations")["list_announcements"]),
        "joint_subjects": set(table("obligations")["joint_subjects"]),
    }


def obligation_rows(doc_id: str, clean: CleanText, mentions: dict[str, list[Mention]],
                    parties: Parties) -> list[dict]:
    text = clean.text
    spans = sentences(text)
    lists = Lists(text)
    cues = mentions.get("obligation_cue", [])
    rows: list[dict] = []
    previous: tuple[int, str, int] | None = None  # (sentence start, party, clause end)
    for i, cue in enumerate(cues):
        s, e = sentence_of(spans, cue.start)
        # the cues are in text order: the next one, if it is in this sentence
        next_cue = cues[i + 1].start if i + 1 < len(cues) and cues[i + 1].start < e else e
        clause_end = _clause_end(text, cue.end, next_cue)
        action_start = cue.end
        party = _subject(text, s, cue, parties)
        inverted = parties.find_in(text[cue.end : clause_end])
        if inverted and inverted[0][0] == 0:  # 'ska kommunen möjliggöra': V2 word order
            party = party or inverted[0][2].name
            action_start = cue.end + inverted[0][1]
        if not party and previous and previous[0] == s and _SAME_SUBJECT.search(
                text[previous[2] : cue.start]):
            party = previous[1]  # 'bidrar med X och ansvarar för Y': the same subject
        joint = not party and _joint_subject(text, s, cue)
        if joint:  # 'Parterna ska gemensamt ...': a row for each party
            party = ", ".join(p.name for p in parties.parties if p.role == "party")
        if not party:
            continue
        previous = (s, party, cue.end)
        if _res()["money"].match(text[cue.end : clause_end]):
            continue
        actions = _actions(text, action_start, clause_end)
        announced = text[action_start:clause_end].strip(" :").lower()
        if not announced or announced in _res()["list_announcements"]:
            actions = _listed_actions(text, lists, cue.start)  # 'åtar sig att:' + a list
        for a_start, a_end in actions:
            action = text[a_start:a_end]
            if _res()["money"].match(action):
                continue
            quantity, frequency = _quantity_frequency(action)
            bound = ([p.name for p in parties.parties if p.role == "party"] if joint
                     else [party])
            rows.extend({
                "doc_id": doc_id, "party": name, "action": _short(action),
                "quantity": quantity, "frequency": frequency,
                **provenance(clean, start=cue.start if a_start == cue.end else a_start,
                             end=a_end, rule_id=cue.rule_id),
            } for name in bound)
    return rows


def _joint_subject(text: str, s: int, cue: Mention) -> bool:
    """'Parterna ska gemensamt ...', 'Båda parter ansvarar för ...': every party commits."""
    before = text[s : cue.start].strip(" ,").lower()
    before = re.sub(r"\s+", " ", before)
    return before in _res()["joint_subjects"]


def _subject(text: str, s: int, cue: Mention, parties: Parties) -> str | None:
    before = text[s : cue.start]
    clause = _COMMA.split(before)[-1] if cue.rule_id == "obligation.shall" else before
    if _res()["subordinate"].match(clause) or _res()["subordinate"].match(before):
        return None
    if cue.rule_id == "obligation.given_opportunity":
        m = _GIVEN_TO.search(before)
        if m:
            before = m.group("x")
    refs = parties.find_in(before)
    if refs:
        start, end, party = refs[-1]
        # the reference must be the subject: not a genitive ('nämndens mål'), and nothing
        # but a short adverbial between it and the cue ('bidrar, genom denna överenskommelse,')
        tail = _ADVERBIAL.sub(" ", before[end:])
        genitive = before[start:end].lower().endswith("s") and not party.key.endswith("s")
        if not genitive and len(tail.split()) <= 3 and not _STOP.search(tail):
            return party.name
    head = _SUBJECT_AT_START.match(before)
    if head:
        np = head.group("np").strip()
        last = np.split()[-1].lower()
        if np.lower() not in _res()["not_subjects"] and last.endswith(_res()["org_endings"]):
            return np
    return None


def _clause_end(text: str, start: int, limit: int) -> int:
    m = _CLAUSE_END.search(text[start:limit])
    end = start + m.start() if m else limit
    # 'bidrar med ekonomiska medel och ansvarar för ...': the next cue ends this action
    return max(start, end)


def _actions(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a listed action: 'genomföra A, att rekrytera B, anordna C, och tillgodose D'."""
    chunk = text[start:end]
    enumeration = _res()["enumeration"].search(chunk)
    limit = enumeration.start() if enumeration else len(chunk)
    pieces, pos = [], 0
    for sep in _ACTION_SEPARATOR.finditer(chunk[:limit]):
        pieces.append((pos, sep.start()))
        pos = sep.end()
    pieces.append((pos, len(chunk)))
    out = []
    for ps, pe in pieces:
        piece = chunk[ps:pe]
        lead = len(piece) - len(_ACTION_LEAD.sub("", piece))
        piece = piece.strip()
        tail = _ACTION_TAIL.search(chunk[ps:pe])
        if len(piece.split()) < 1 or not _THREE_LETTERS.search(piece):
            continue
        out.append((start + ps + lead, start + pe - (len(tail.group(0)) if tail else 0)))
    # a trailing comma-phrase that is an adverbial ('genom denna överenskommelse') joins back
    return [(a, b) for a, b in out if b > a]


def _listed_actions(text: str, lists: Lists, cue_start: int) -> list[tuple[int, int]]:
    """The items of the list that the cue's line introduces, each one action:
    'Föreningen åtar sig att' + '- hålla mötesplatsen öppen ...', '- anordna ...'."""
    line_end = text.find("\n", cue_start)
    if line_end == -1:
        return []
    out = []
    for start, end in lists.items_after(line_end):
        start = Lists.marker_end(text, start)
        item = text[start:end]
        trimmed = re.sub(r"(?:[\s,;.]|\s(?:och|samt|eller))+$", "", item, flags=_I)
        lead = len(item) - len(re.sub(r"^\s*(?:att\s+)?", "", item))
        if re.search(r"[a-zåäö]{3}", trimmed):
            out.append((start + lead, start + len(trimmed)))
    return out


def _quantity_frequency(action: str) -> tuple[int | None, str]:
    r = _res()
    m = r["times"].search(action)
    if m:
        code = table("periods")["frequency_units"][m.group("unit").lower()][0]
        n = count_value(m.group("count"))
        return (int(n) if n else None), code
    quantity = None
    for c in r["count"].finditer(action):
        word = c.group("count").lower()
        if word in ("en", "ett", "ena"):
            continue  # an article, not a count
        n = count_value(word)
        if n is not None and n == int(n):
            quantity = int(n)
            break
    per = r["per"].search(action)
    if per:
        return quantity, table("periods")["frequency_units"][per.group("unit").lower()][0]
    adverb = r["adverb"].search(action)
    if adverb:
        key = _SPACES.sub("_", adverb.group("adverb").lower())
        return quantity, table("periods")["frequency_adverbs"][key][0]
    return quantity, ""


def _short(action: str) -> str:
    action = _SPACES.sub(" ", action).strip(" ,")
    return action if len(action) <= 160 else action[:157].rsplit(" ", 1)[0] + " …"
