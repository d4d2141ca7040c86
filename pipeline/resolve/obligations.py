"""Obligations: who commits to what, how many and how often.

A commitment is found three ways:
- a cue in a sentence ('Föreningen ska ...', 'Kommunen åtar sig att ...', 'Enligt förslaget
  åtar sig föreningen att ...', 'det åligger nämnden att ...'): the party is the subject
  (before the cue, or after it in inverted word order), the action the clause after it,
  split where actions are coordinated ('bemanna A, erbjuda B och hålla C');
- a cue whose line only announces a list ('Jouren ska' / '' / '- tillhandahålla ...',
  'Kommunen åtar sig följande:'): one action per list item, wrapped lines joined;
- a list under a heading that names the party ('§ 5 Föreningens åtaganden' / '- ...').
A subject is a party in any written form: its name, an alias, 'kommunen', a role word
('jouren', 'föreningen': the party of that sector, the one named last when there are
several), or a word of its name ('ABF', 'Röda Korset'). Quantity and frequency come from the
action ('minst sex stödgrupper per år' -> 6, per_year; 'en kväll i månaden' -> 1, per_month).
Sections that describe rather than commit (an agreement's background, purpose, target
group) give no obligations; money is an amount, not an obligation.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cache

from pipeline.extract.numbers import count_value, number_words
from pipeline.extract.organisations import normalized, sector
from pipeline.extract.patterns import alternation, word_alternation
from pipeline.extract.sentences import sentence_of, sentences
from pipeline.lang import table
from pipeline.normalize import CleanText
from pipeline.records import Mention
from pipeline.resolve.common import provenance
from pipeline.resolve.parties import Parties, Party

_I = re.IGNORECASE
# A noun phrase opening the clause: 'Social- och omsorgsförvaltningen ansvarar för ...'.
_SUBJECT_AT_START = re.compile(
    r"\s*(?:därför\s+kommer\s+|även\s+)?"
    r"(?P<np>[A-ZÅÄÖ][\wåäö]*(?:-\s+och\s+[\wåäö]+)?(?:\s+[\wåäö]+){0,4}?)"
    r"\s*(?:,|\s+(?:även|också|genom|därför|aktivt)\b|$)")
# Compiled once: these run per commitment cue, thousands of times in an archive.
# How far before a cue its subject is looked for: a sentence of a page stays cheap.
_REACH = 400
_SAME_SUBJECT = re.compile(r"(?:\s(?:och|samt)|,)\s*$")
_COORDINATED = re.compile(
    r"(?:,\s*(?:och\s+|samt\s+)?|\s(?:och|samt)\s+)(?P<subject>(?:[\wåäö-]+\s+){0,4})$", _I)
_COMMA = re.compile(r",\s+")
_GIVEN_TO = re.compile(r"\bfår\s+(?P<x>.+?)\s*$", _I)
_ADVERBIAL = re.compile(r",[^,]{0,40},")
_STOP = re.compile(r"[.;:]")
_THAT = re.compile(r"(?:^|\s)(?:att|som)\s+", _I)
_WORD = re.compile(r"[\wåäöÅÄÖ][\wåäöÅÄÖ-]*")
_THREE_LETTERS = re.compile(r"[a-zåäö]{3}", _I)
_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"(?:[\s,;:.]|\s(?:och|samt|eller))+$", _I)
_LEADING_ATT = re.compile(r"^\s*(?:att\s+)?", _I)
_ATT_AT = re.compile(r"\s*(?:att\s+)?", _I)
_CAPITAL = re.compile(r"[A-ZÅÄÖ0-9§]")
# A numbered clause or section at a line start: '3.1 Föreningen ska', '§ 6 Ekonomi'.
# A decision's numbered point ('1. Socialnämnden godkänner ...', '3. Förvaltningen får ...'):
# it stays in the decision. A numbered section or clause ('3.1', '§ 4') ends it.
_NUMBERED_POINT = re.compile(r"\s*\d{1,2}[.)]\s+[A-ZÅÄÖ][\wåäö-]+\s+[a-zåäö]")
_NUMBERED = re.compile(r"\s*(?:§\s*\d+|\d+(?:\.\d+)*\.?\s+[A-ZÅÄÖ])")
# A list item's marker at a line start. Typography, not language: the text layer's bullets
# and what OCR reads them as ('e', 'o', '»', '=', '+'); numbers and letters with '.' or ')'.
_MARKER = re.compile(
    r"[ \t]*(?:(?P<bullet>[●•▪■◦‣∙·\-–—*»>=+□❖➢✓○◆►✔\uf0b7\uf0a7\uf0d8\uf076\uf0fc]"
    r"|[eo](?=[ \t]))|\(?(?P<number>\d{1,2})[.)]|\(?(?P<letter>[a-zA-Z])\)|(?P<dotted>[a-z])\.)"
    r"[ \t]+(?=\S)")
# A list marker right after the cue on its line: text layers and OCR join the first item to
# its lead ('Föreningen ska e erbjuda stödsamtal ...' from 'Föreningen ska' / '• erbjuda ...').
_INLINE_ITEM = re.compile(
    r"[ \t]*(?:[●•▪■◦‣∙·\-–—*»>=+□❖➢✓○◆►✔\uf0b7\uf0a7\uf0d8\uf076\uf0fc]|[eo]|a[.)]"
    r"|1[.)])[ \t]+(?=[a-zåäö])")
_HAS_DIGIT = re.compile(r"\d")
_TIME = re.compile(
    r"(?:kl\.?|klockan)\s*\d{1,2}(?:[.:]\d{2})?(?:\s*(?:och|till|[-–])\s*\d{1,2}(?:[.:]\d{2})?)?"
    r"|\d{1,2}[.:]\d{2}\s*[-–]\s*\d{1,2}[.:]\d{2}|\d+\s*[-–]\s*\d+", _I)


@cache
def _data() -> dict:
    return table("obligations")


@cache
def _attrs() -> dict[str, dict]:
    """Each cue pattern's attributes (action_from, tense, party_after) by rule id."""
    return {p["id"]: p for p in _data()["patterns"]}


@cache
def _res() -> dict:
    d = _data()
    periods = table("periods")
    units = dict(periods["frequency_units"])
    units_re = alternation(units)
    words = alternation(number_words())
    # digits (with a thousands space: '1 800'), or a number word optionally with '(6)'
    count = (rf"(?:(?<![\w,.\-–/:])\d{{1,3}}(?:[  ]\d{{3}})*(?![\d,.\-–/:])(?![  ]\d)"
             rf"|(?<![\wåäö]){words}(?![\wåäö])(?:\s*\(\d+\))?)")
    between = r"(?:[\wåäö-]+,?\s+){0,4}?"
    q = d["quantity"]
    money_units = alternation(table("amounts")["units"])
    months = alternation(table("months")["months"])
    return {
        "units": units,
        "number_words": frozenset(w for w in number_words() if " " not in w),
        "times": re.compile(
            rf"(?P<count>{count})\s*(?:{alternation(periods['times_words'])})"
            rf"(?:\s*(?:{alternation(periods['per_words'])})\s*(?P<unit>{units_re})(?![\wåäö]))?",
            _I),
        "counted": re.compile(
            rf"(?P<count>{count})\s+(?!(?:{money_units})(?![\wåäö]))"
            rf"(?!(?:{alternation(q['not_count_after'])})(?![\wåäö]))"
            rf"(?P<noun>[a-zåäö][\wåäö-]*),?\s+{between}"
            rf"(?:per|i|om|varje|/)\s+(?P<unit>{units_re})(?![\wåäö])", _I),
        "count": re.compile(
            rf"(?P<count>{count})(?=\s+[\wåäö%])"
            rf"(?!\s*(?:{money_units})(?![\wåäö]))(?!\s*(?:{months})(?![\wåäö]))"
            rf"(?!\s*(?:{alternation(q['not_count_after'])})(?![\wåäö]))", _I),
        "not_before": re.compile(rf"(?:^|[\s(])(?:{alternation(q['not_count_before'])})\s*$", _I),
        "year": re.compile(r"(?:19|20)\d\d"),
        "per": re.compile(rf"(?<![\wåäö])(?:per|varje|i|om)\s+(?P<unit>{units_re})(?![\wåäö])",
                          _I),
        "frequency_words": re.compile(word_alternation(q["frequency_words"]), _I),
        "adverb": re.compile(word_alternation(
            a.replace("_", " ") for a in periods["frequency_adverbs"]), _I),
        "once": re.compile(word_alternation(q["once_words"]), _I),
        "time_nouns": tuple(q["time_nouns"]),
        "org_endings": tuple(e for s in table("organisations")["sector"].values()
                             for e in s["endings"]),
        "not_subjects": set(d["not_subjects"]),
        "not_bound": set(d["not_bound_subjects"]),
        "enumeration": re.compile(word_alternation(d["enumeration_markers"]), _I),
        "subordinate": re.compile(rf"^\s*(?:{alternation(d['subordinate_openers'])})\s", _I),
        "subordinate_end": re.compile(
            rf"(?:^|\s)(?:{alternation(d['subordinate_inside'])})\s+[^,.;:]*$", _I),
        "money": re.compile(d["money_action"], _I),
        "money_lead": re.compile(d["money_lead"], _I),
        "payment": re.compile(d["payment_action"], _I),
        "valued": re.compile(d["valued_in_kind"], _I),
        "list_announcements": set(d["list_announcements"]),
        "joint_subjects": set(d["joint_subjects"]),
        "role_words": dict(d["role_words"]),
        "role_re": re.compile(rf"(?:^|\s)(?P<w>{alternation(d['role_words'])})$", _I),
        "duty_heading": re.compile(d["sections"]["duty_heading"], _I),
        "joint_heading": re.compile(d["sections"]["joint_heading"], _I),
        "present_not_duty": frozenset(d["sections"]["present_not_duty"]),
        "present_state": re.compile(word_alternation(d["sections"]["present_state_words"]), _I),
        "decision": re.compile(d["sections"]["decision_heading"], _I),
        "background": re.compile(d["sections"]["background_heading"], _I),
        # the lookahead only skips places where no alternative can start (a faster scan)
        "clause_end": re.compile(
            rf"(?=[{_first_chars(d['action']['abbreviations'])}.;:\n])"
            rf"(?:(?<![\wåäö])(?:{alternation(d['action']['abbreviations'])})\.(?=\s)"
            r"|[.;:](?=\s|$)|\n)", _I),
        "split": re.compile(
            r",\s*(?:och\s+|samt\s+)?att\s+|\s(?:och|samt)\s+att\s+|,\s*(?:och|samt)\s+"
            rf"|(?:,\s*(?:och\s+|samt\s+)?|\s(?:och|samt)\s+)(?=(?:{alternation(d['action']['verbs'])})(?![\wåäö]))",
            _I),
        "leading_adverbs": re.compile(
            rf"^\s*(?:(?:{alternation(d['action']['leading_adverbs'])})\s+)+", _I),
        "continuation_words": set(d["continuation_words"]),
        "cut": re.compile(r",\s+|\s(?:och|samt|eller)\s+", _I),
    }


def _first_chars(words: list[str]) -> str:
    """The first characters of the words, for a character class."""
    return "".join(sorted({re.escape(w[0]) for w in words if w}))


def obligation_rows(doc_id: str, clean: CleanText, mentions: dict[str, list[Mention]],
                    parties: Parties) -> list[dict]:
    text = clean.text
    cues = mentions.get("obligation_cue", [])
    layout = _Layout(text, cues)
    who = _Who(text, parties)
    found = _Found(money=_money_starts(mentions))
    spans = sentences(text)
    previous: tuple[int, list[str], int] | None = None  # (sentence start, parties, action end)
    for i, cue in enumerate(cues):
        if found.covers(cue.start):
            continue  # inside an action or a list item already read
        attrs = _attrs().get(cue.rule_id, {})
        tense = attrs.get("tense", "modal")
        section = layout.kind_at(cue.start)
        if section == "background" and (parties.kind == "agreement" or tense != "modal"):
            continue  # 'Syftet är att kvinnor ska få skydd': a purpose, not a duty
        if section == "decision" and parties.kind != "agreement":
            continue  # 'Förvaltningen får i uppdrag att ...': the committee's decision
        if tense == "present" and parties.kind != "agreement":
            continue  # a memo's present tense tells what a partner does today
        if tense == "intent" and parties.kind == "agreement":
            continue  # 'Parterna vill utveckla verksamheten': an aim, not a duty
        s, e = sentence_of(spans, cue.start)
        next_cue = _next_coordinated(text, cues, i, e, who)
        clause_end = _clause_end(text, cue.end, next_cue)
        action_start = cue.start if attrs.get("action_from") == "cue_start" else cue.end
        bound, action_start = _bound(text, s, cue, attrs, action_start, clause_end, who,
                                     layout, previous, tense, _sentence_before(spans, s))
        if parties.kind == "other":  # a guideline or a report: only a named party commits
            bound = [name for name in bound if who.is_party(name)]
        if not bound:
            continue
        previous = (s, bound, clause_end)
        if _res()["money"].match(text[cue.end:clause_end]):
            continue
        lead_end = layout.line_end(cue.start)
        inline = _INLINE_ITEM.match(text, cue.end, lead_end)
        if inline:  # 'Föreningen ska e erbjuda ...': the list's first item joined to its lead
            marker = _MARKER.match(text, inline.start(), lead_end)
            kind, successor = (_marker_kind(marker), _successor(marker)) if marker else \
                ("bullet", None)
            items = [*_split_merged(text, inline.end(), lead_end, kind, successor),
                     *layout.items_after(lead_end)]
        else:
            items = layout.items_after(lead_end) if _announces(
                text[cue.end:clause_end], lead_end, clause_end, text) else []
        if items:
            prefix = "" if inline else _lead_prefix(text[cue.end:clause_end])
            for i_start, i_end in items:
                for a_start, a_end in _actions(text, i_start, i_end):
                    found.add(bound, a_start, a_end, cue.rule_id, text, prefix=prefix)
            found.cover(cue.start, items[-1][1])
            continue
        # 'Vid mötena redovisar föreningen antal besök': the verb without its subject
        verb = _SPACES.sub(" ", cue.text.strip()) if attrs.get("action_from") == "cue_start" \
            and action_start > cue.end else ""
        body_start = _skip_adverbs(text, action_start, clause_end)
        for a_start, a_end in _actions(text, body_start, clause_end, keep=cue.end):
            if attrs.get("valued_is_amount") and (
                    _res()["valued"].search(text, a_start, a_end) or found.valued(a_start, a_end)):
                continue  # 'bidrar med ideellt arbete som värderas till 260 000 kronor'
            first = a_start == body_start
            quote_start = cue.start if first and action_start >= cue.end else a_start
            found.add(bound, a_start, a_end, cue.rule_id, text, quote_start,
                      prefix=verb if first else "")
        found.cover(cue.start, clause_end)
    for heading in layout.duty_headings:
        if heading.who == _JOINT:
            bound = who.joint()
        else:
            party = who.resolve(heading.who, heading.start)
            bound = [party] if party is not None else []
        if not bound or found.covers(heading.items_start):
            continue
        for i_start, i_end in layout.items_after(heading.end):
            if found.overlaps(i_start, i_end):
                continue  # '- Föreningen ska ...': the item's own cue has read it
            for a_start, a_end in _actions(text, i_start, i_end):
                found.add(bound, a_start, a_end, "obligation.duty_heading", text)
    for heading in layout.duty_headings:
        _present_duties(text, spans, heading, layout, who, found)
    return found.rows(doc_id, clean)


def _present_duties(text: str, spans: tuple[tuple[int, int], ...], heading: _Heading,
                    layout: _Layout, who: _Who, found: _Found) -> None:
    """Under a party's duty heading, a clause in the present tense with no cue is a duty:
    '4.1 Klubben håller hallen öppen två kvällar per vecka' (a party, then a verb in -r)."""
    if heading.who == _JOINT:
        return
    end = layout.section_end(heading.start)
    i = bisect_left(spans, (heading.end, -1))
    if i > 0 and spans[i - 1][1] > heading.end:
        i -= 1  # the heading and the first clause read as one sentence
    for s, e in spans[i:]:
        if s >= end:
            break
        s, e = max(s, heading.end), min(e, end)
        if e <= s or found.overlaps(s, e) or layout.has_cue(s, e):
            continue
        pos = _CLAUSE_NUMBER.match(text, s, e).end()
        subject = who.at_start(text[pos:e], pos)
        if subject is None or not who.is_party(subject[0]):
            continue  # 'Polismyndigheten lämnar ...': an organisation only mentioned
        verb = _PRESENT_VERB.match(text, pos + subject[1], e)
        if verb is None or verb.group("verb").lower() in _res()["present_not_duty"]:
            continue
        clause_end = _clause_end(text, verb.end(), e)
        if _res()["present_state"].search(text, verb.end(), clause_end):
            continue  # 'Föreningen driver redan ett café': what is done today
        for a_start, a_end in _actions(text, verb.start("verb"), clause_end):
            found.add([subject[0]], a_start, a_end, "obligation.duty_section_present", text)


_CLAUSE_NUMBER = re.compile(r"\s*(?:§\s*\d+\s*|\d+(?:\.\d+)*\.?\s+|\(?[a-z]\)\s+|[-–•]\s+)?")
# the verb right after the subject: a present tense ends in -r ('håller', 'anvisar', 'ordnar')
_PRESENT_VERB = re.compile(r"[ \t]+(?P<verb>[a-zåäö]{2,}r)[ \t]+(?=[\wåäöÅÄÖ])")


# --- rows ---------------------------------------------------------------------------------

@dataclass(slots=True)
class _Found:
    """The actions found so far and the spans of text they have used up."""

    money: list[int] = field(default_factory=list)  # where amounts of money start, sorted
    # (parties, start, end, rule id, quote start, words of the lead the action completes)
    actions: list[tuple[list[str], int, int, str, int, str]] = field(default_factory=list)
    covered: list[tuple[int, int]] = field(default_factory=list)  # sorted, by start
    seen: set[tuple[str, int, int]] = field(default_factory=set)

    def add(self, bound: list[str], start: int, end: int, rule_id: str, text: str,
            quote_start: int | None = None, prefix: str = "") -> None:
        body = text[start:end]
        if _res()["money"].match(body) or _res()["payment"].match(body) or \
                not _THREE_LETTERS.search(body) or self.pays(text, start, end):
            return
        self.actions.append((bound, start, end, rule_id,
                             start if quote_start is None else quote_start, prefix))
        self.cover(start, end)

    def pays(self, text: str, start: int, end: int) -> bool:
        """The action is a payment: an amount is its object ('bidra med 400 000 kronor',
        'betala ut trehundratusen kronor', 'lämna ett bidrag om XX kr')."""
        i = bisect_left(self.money, start)
        return i < len(self.money) and self.money[i] < end and \
            bool(_res()["money_lead"].match(text[start:self.money[i]]))

    def valued(self, start: int, end: int) -> bool:
        """An amount stands in the action: a contribution in kind valued in kronor."""
        i = bisect_left(self.money, start)
        return i < len(self.money) and self.money[i] < end

    def cover(self, start: int, end: int) -> None:
        i = bisect_left(self.covered, (start, end))
        self.covered.insert(i, (start, end))

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.covered, (end, -1))
        return any(s < end and start < e for s, e in self.covered[max(0, i - 50):i])

    def covers(self, position: int) -> bool:
        i = bisect_right(self.covered, (position, float("inf"))) - 1
        # spans are short and few overlap: look back over the ones that start before
        while i >= 0:
            s, e = self.covered[i]
            if s <= position < e:
                return True
            if position - s > 4000:
                break
            i -= 1
        return False

    def rows(self, doc_id: str, clean: CleanText) -> list[dict]:
        rows = []
        for bound, start, end, rule_id, quote_start, prefix in self.actions:
            action = f"{prefix} {clean.text[start:end]}" if prefix else clean.text[start:end]
            quantity, frequency = _quantity_frequency(action)
            for name in bound:
                key = (name, start, end)
                if key in self.seen:
                    continue
                self.seen.add(key)
                rows.append({
                    "doc_id": doc_id, "party": name, "action": _short(action),
                    "quantity": quantity, "frequency": frequency,
                    **provenance(clean, start=quote_start, end=end, rule_id=rule_id),
                })
        return rows


def _money_starts(mentions: dict[str, list[Mention]]) -> list[int]:
    """Where the amounts start: kronor amounts, and placeholders of one ('XX kr')."""
    starts = [m.start for m in mentions.get("amount", [])]
    starts += [m.start for m in mentions.get("placeholder", []) if _KRONOR.search(m.text)]
    return sorted(starts)


_KRONOR = re.compile(r"\b(?:kr|kronor|sek|tkr|mnkr)\b", _I)


# --- the party bound ------------------------------------------------------------------------

def _bound(text: str, s: int, cue: Mention, attrs: dict, action_start: int, clause_end: int,
           who: _Who, layout: _Layout, previous: tuple[int, list[str], int] | None,
           tense: str, sentence_before: int) -> tuple[list[str], int]:
    """The parties a cue binds, and where its action starts (after an inverted subject)."""
    before = text[max(s, cue.start - _REACH):cue.start]
    inverted_form = attrs.get("inverted_form") and not _ENDS_IN_ATT.search(cue.text)
    if attrs.get("party_after") or inverted_form or _subject_expected_after(before):
        found = who.at_start(text[cue.end:clause_end], cue.end)
        if found:
            party, length = found
            start = cue.end + length
            start = _ATT_AT.match(text, start).end()
            return [party], start  # an inverted subject is no part of the action
    if inverted_form:
        return [], action_start  # 'kommer man sedan att': no party stands after the verb
    if _subordinate(before, cue) or _relative(before, cue, who):
        return [], action_start
    if tense == "modal" and _joint_subject(before):
        return who.joint(), action_start
    subject = _subject_phrase(before, cue)
    several = who.several(subject)
    if several:
        return several, action_start  # 'Kommunen och föreningen ska gemensamt ...'
    party = who.subject(subject, cue.start)
    if party is None and cue.rule_id == "obligation.given_opportunity":
        m = _GIVEN_TO.search(before)
        party = who.subject(m.group("x"), cue.start) if m else None
    if party is not None:
        return [party], action_start
    if previous and previous[0] == s and _SAME_SUBJECT.search(text[previous[2]:cue.start]):
        return previous[1], action_start  # 'bidrar med X och ansvarar för Y'
    written = _written_subject(subject)
    if written:
        return [written], action_start
    if tense != "modal" or _unbound(_COMMA.split(before)[-1]):
        return [], action_start
    agent = who.agent(text[cue.end:clause_end], cue.end)
    if agent is not None:  # 'ska erbjudas av föreningen'
        return [agent], action_start
    heading = layout.duty_party(cue.start)
    if heading == _JOINT:
        return who.joint(), action_start
    if heading is not None:
        party = who.resolve(heading, cue.start)
        if party is not None:
            return [party], action_start
    if previous and layout.same_paragraph(previous[2], cue.start) and \
            previous[0] == sentence_before and not _PRONOUN_AFTER.match(text, cue.end) and (
                _subject_expected_after(before) or _PASSIVE.match(text, cue.end)):
        # 'Vid varje tillfälle ska minst två vuxna ledare finnas på plats', 'Barn i boendet
        # ska erbjudas samtalsstöd': the duty of the party of the sentence before
        return previous[1], action_start
    return [], action_start


_ENDS_IN_ATT = re.compile(r"(?<![\wåäö])att\s*$", _I)
# 'kommer man att', 'ska vi ...': a pronoun after the verb is the subject, and no party
_PRONOUN_AFTER = re.compile(r"\s*(?:man|vi|de|det|den|dessa|hon|han|ni)(?![\wåäö])", _I)
_PASSIVE = re.compile(r"(?:även\s+|också\s+)?[a-zåäö]{3,}(?<!ss)as(?![\wåäö])", _I)


def _sentence_before(spans: tuple[tuple[int, int], ...], start: int) -> int:
    """The start of the sentence before the one starting at `start` (-1 for none)."""
    i = bisect_left(spans, (start, -1)) - 1
    return spans[i][0] if i >= 0 else -1


def _subject_expected_after(before: str) -> bool:
    """The words before the cue hold no subject: 'Enligt förslaget åtar sig föreningen',
    'Vid varje tillfälle ska ...', 'Därutöver ska kommunen', 'Det åligger nämnden'."""
    clause = _COMMA.split(before)[-1].strip()
    if not clause:  # the sentence opens with the cue; after a comma it shares a subject
        return not before.strip()
    words = clause.split()
    if clause.lower() in ("det", "därutöver", "dessutom", "vidare", "därför", "även", "också"):
        return True
    first = words[0]
    # a fronted adverbial opens with a preposition or an adverb, not with a name
    return first.lower() in _FRONTED or (len(words) >= 2 and words[-1].lower() in _FRONTED_END)


_FRONTED = frozenset(["enligt", "vid", "inom", "under", "efter", "för", "i", "genom", "därutöver",
                      "dessutom", "vidare", "därför", "därtill", "också", "även", "härutöver",
                      "till", "med", "på", "från", "senast", "varje", "inför", "utöver",
                      "sammantaget", "slutligen", "först", "sedan", "samtidigt", "det"])
_FRONTED_END = frozenset(["förslaget", "överenskommelsen", "avtalet", "året", "perioden"])


def _subordinate(before: str, cue: Mention) -> bool:
    """The cue is in a subordinate clause: a condition, a purpose ('för att kommunen ska')."""
    r = _res()
    clause = _COMMA.split(before)[-1] if cue.rule_id == "obligation.shall" else before
    if r["subordinate"].match(clause) or r["subordinate"].match(before):
        return True
    return bool(r["subordinate_end"].search(clause))


def _relative(before: str, cue: Mention, who: _Who) -> bool:
    """The cue is in a relative clause with a subject of its own: 'värdegrunden som parterna
    förväntas dela', 'de lokaler som kommunen ska upplåta' (the duty's object stands before
    it). 'Barn som bor i boendet ska ...' is a subject with a relative clause: no."""
    m = _RELATIVE.search(before)
    if not m:
        return False
    words = m.group("words").strip()
    return words.lower() in _PRONOUNS or _joint_subject(words) or \
        who.subject(words, cue.start) is not None


_PRONOUNS = frozenset(["vi", "de", "den", "det", "man", "hon", "han", "ni"])


def _joint_subject(before: str) -> bool:
    """'Parterna ska gemensamt ...', 'Båda parter ansvarar för ...': every party commits."""
    clause = _THAT.split(before)[-1]
    clause = _SPACES.sub(" ", clause.strip(" ,")).lower()
    return clause in _res()["joint_subjects"]


def _subject_phrase(before: str, cue: Mention) -> str:
    """The words before the cue that can be its subject: after the last 'att' or comma
    ('Förslaget innebär att föreningen ska', 'Staden, genom nämnden, betalar' keeps both)."""
    clause = _ADVERBIAL.sub(" ", before) if cue.rule_id != "obligation.shall" else before
    parts = _THAT.split(clause)
    clause = parts[-1] if len(parts) > 1 and parts[-1].strip() else clause
    if cue.rule_id == "obligation.shall":
        clause = _COMMA.split(clause)[-1]
    return clause


def _written_subject(subject: str) -> str | None:
    """An organisation unit written out and not among the parties: 'Socialförvaltningen
    ansvarar för att kalla till mötena'."""
    head = _SUBJECT_AT_START.match(subject)
    if not head:
        return None
    np = head.group("np").strip()
    words = np.lower().split()
    if np.lower() in _res()["not_subjects"] or words[0] in _res()["not_subjects"]:
        return None
    if words[-1].endswith(_res()["org_endings"]):
        return np  # 'Socialförvaltningen', 'Vuxenenheten vid socialförvaltningen'
    if len(words) > 1 and words[0] in _res()["org_endings"] and all(
            w[:1].isupper() for w in np.split()[1:]):
        return np  # 'Region Östergötland', 'Stiftelsen Ankaret'
    return None


def _unbound(subject: str) -> bool:
    words = {w.lower() for w in _WORD.findall(subject)}
    return bool(words & _res()["not_bound"]) or subject.strip().lower() in _res()["not_subjects"]


@dataclass(slots=True)
class _Who:
    """Maps a subject to the name of a party of the document (see the module docstring)."""

    text: str
    parties: Parties
    bound: list[Party] = field(init=False)
    sectors: dict[int, str] = field(init=False)
    names: dict[int, str] = field(init=False)  # normalized names
    words: dict[int, list[str]] = field(init=False)
    _refs: list[tuple[int, int, Party]] | None = None
    _ref_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        everyone = self.parties.parties
        self.bound = [p for p in everyone if p.role == "party"] or list(everyone)
        self.sectors = {id(p): _sector_of(p) for p in everyone}
        self.names = {id(p): normalized(p.name) for p in everyone}
        self.words = {id(p): [w for w in self.names[id(p)].split() if len(w) >= 2]
                      for p in everyone}

    def is_party(self, name: str) -> bool:
        return any(p.name == name and p.role == "party" for p in self.parties.parties)

    def joint(self) -> list[str]:
        keys = sorted({self.names[id(p)] for p in self.bound}, key=len)
        names = []
        for p in self.bound:
            key = self.names[id(p)]
            if any(key != k and key.startswith(k + " ") for k in keys):
                continue  # 'Malmö stad, genom nämnden' is 'Malmö stad'
            if p.name not in names:
                names.append(p.name)
        return names

    def several(self, phrase: str) -> list[str]:
        """Parties named together as the whole subject: 'Regionen och Stadsmissionen',
        'Kommunen, Röda Korset och PRO' (nothing but commas and 'och'/'samt' between)."""
        refs = self.parties.find_in(phrase)
        if len(refs) < 2 or phrase[refs[-1][1]:].strip() or phrase[:refs[0][0]].strip():
            return []
        if not all(_JOINER.fullmatch(phrase[a[1]:b[0]]) for a, b in zip(refs, refs[1:],
                                                                       strict=False)):
            return []
        names: list[str] = []
        for _, _, party in refs:
            if party.name not in names:
                names.append(party.name)
        return names if len(names) >= 2 else []

    def subject(self, phrase: str, at: int) -> str | None:
        """The party the phrase ends in, as the subject of a verb right after it."""
        refs = self.parties.find_in(phrase)
        if refs:
            start, end, party = refs[-1]
            tail = _ADVERBIAL.sub(" ", phrase[end:])
            genitive = phrase[start:end].lower().endswith("s") and not party.key.endswith("s")
            if not genitive and len(tail.split()) <= 3 and not _STOP.search(tail):
                by_role = self._role(phrase[start:end], at)
                return by_role or self._prefer_bound(party, phrase, start, end, at)
        words = _WORD.findall(phrase)
        if not words or len(words) > 8:
            return None
        for n in (3, 2, 1):
            if len(words) >= n:
                name = self.resolve(" ".join(words[-n:]), at)
                if name is not None:
                    return name
        return None

    def resolve(self, phrase: str, at: int) -> str | None:
        """A written name, an alias, a role word or words of one party's name."""
        phrase = phrase.strip()
        if not phrase:
            return None
        by_role = self._role(phrase, at)
        if by_role:
            return by_role
        refs = self.parties.find_in(phrase)
        if refs and refs[0][0] == 0 and refs[-1][1] >= len(phrase.rstrip()) - 1:
            return self._prefer_bound(refs[-1][2], phrase, refs[-1][0], refs[-1][1], at)
        party = self._by_words(phrase, at)
        return party.name if party is not None else None

    def at_start(self, after: str, at: int) -> tuple[str, int] | None:
        """A party at the start of the words after the cue: 'ska jouren bemanna', 'åtar sig
        föreningen att', 'åligger nämnden att'."""
        head = after[:80]
        words = list(_WORD.finditer(head))
        if words and _genitive(words[0].group(0)):
            return None  # 'bidrar till kommunens åtgärdsplan': an owner, no subject
        refs = self.parties.find_in(head)
        if refs and refs[0][0] == 0:
            by_role = self._role(head[:refs[0][1]], at)
            return by_role or self._prefer_bound(refs[0][2], head, 0, refs[0][1], at), refs[0][1]
        for n in (2, 1):
            if len(words) >= n:
                phrase = head[: words[n - 1].end()]
                if n == 2 and not words[1].group(0)[0].isupper():
                    continue
                name = self.resolve(phrase, at)
                if name is not None:
                    return name, words[n - 1].end()
        return None

    def agent(self, action: str, at: int) -> str | None:
        """The agent of a passive duty: 'ska erbjudas av föreningen'."""
        m = _AGENT.search(action)
        if not m:
            return None
        found = self.at_start(action[m.end():], at)
        return found[0] if found else None

    def _prefer_bound(self, party: Party, phrase: str, start: int, end: int, at: int) -> str:
        """A reference that names an organisation only mentioned ('Korset') but also a
        party's name ('Röda Korset' of 'Svenska Röda Korset Umeåkretsen'): the party."""
        if party.role == "party":
            return party.name
        words = _WORD.findall(phrase[:end])[-3:]
        for n in range(len(words), 0, -1):
            found = self._by_words(" ".join(words[-n:]), at, bound_only=True)
            if found is not None:
                return found.name
        return party.name

    def _role(self, phrase: str, at: int) -> str | None:
        """A role word ('jouren', 'regionen', 'nämnden'): the party of that kind. Checked
        before the aliases, which give every public role word to the municipality."""
        low = _SPACES.sub(" ", phrase.strip().lower())
        role = _res()["role_words"].get(low) or _res()["role_words"].get(low.rstrip("s"))
        return self._by_sector(role, low.rstrip("s") if low not in _res()["role_words"]
                               else low, at) if role else None

    def _by_sector(self, role: str, word: str, at: int) -> str | None:
        """The party of the role word's sector; where several, the one whose name holds the
        word ('regionen' -> 'Region Östergötland', not the municipality), else the one named
        last. With no party of that sector, an organisation of it that the text mentions."""
        stem = word[:-2] if word.endswith(("en", "et")) else word
        town = self.parties.municipality
        municipal = role == "public" and word in _MUNICIPAL_WORDS
        town_key = normalized(town) if town else ""
        if municipal and town and stem in town_key:
            exact = [p for p in self.parties.parties if self.names[id(p)] == town_key]
            if exact:
                return exact[0].name  # 'kommunen' is the municipality the text is about
        candidates = [p for p in self.bound if self.sectors[id(p)] == role]
        named = [p for p in candidates if stem in self.names[id(p)]]
        if len(named) == 1:
            return named[0].name
        if len(candidates) == 1 and not (municipal and _OTHER_LEVEL.get(stem, "") in
                                         self.names[id(candidates[0])]):
            return candidates[0].name
        if municipal and town and stem in town_key:
            return town  # 'Kommunen' with no party named so
        if not candidates:
            others = [p for p in self.parties.parties if self.sectors[id(p)] == role
                      and stem in self.names[id(p)]]
            if len(others) == 1:
                return others[0].name  # 'Nämnden ska' where the nämnd is only mentioned
        party = self._last_named(named or candidates, at)
        return party.name if party is not None else None

    def _by_words(self, phrase: str, at: int, bound_only: bool = False) -> Party | None:
        """'ABF' for 'ABF Sydvästra Skåne', 'Röda Korset' for 'Svenska Röda Korset
        Umeåkretsen', 'Jouren' for 'Kvinnojouren Malmö' (a compound's head). A name is
        written with a capital; words like 'och' or 'medel' name nobody."""
        if not phrase[:1].isupper():
            return None
        words = [w for w in normalized(phrase).split() if w]
        if not words or words[0] in _res()["not_subjects"] or any(
                len(w) < 3 or w in _res()["continuation_words"] or w in _res()["not_bound"]
                for w in words):
            return None
        candidates = [p for p in self.bound if all(
            any(_same_word(w, x) for x in self.words[id(p)]) for w in words)]
        if not candidates and not bound_only:
            others = [p for p in self.parties.parties if p not in self.bound]
            candidates = [p for p in others if all(
                any(_same_word(w, x) for x in self.words[id(p)]) for w in words)]
        if len(candidates) == 1:
            return candidates[0]
        return self._last_named(candidates, at) if candidates else None

    def _last_named(self, candidates: list[Party], at: int) -> Party | None:
        """Of several candidates, the one the text named last before `at`."""
        if not candidates:
            return None
        if self._refs is None:  # every reference in the text, read once when first asked
            self._refs = self.parties.find_in(self.text)
            self._ref_starts = [r[0] for r in self._refs]
        ids = {id(p) for p in candidates}
        i = bisect_left(self._ref_starts, at) - 1
        stop = max(-1, i - 200)  # the nearest mentions decide; the loop stays short
        while i > stop:
            party = self._refs[i][2]
            if id(party) in ids:
                return party
            i -= 1
        return None


_JOINER = re.compile(r"\s*(?:,|och|samt|,\s*och|,\s*samt)\s*", _I)
_MUNICIPAL_WORDS = frozenset(["kommunen", "staden", "regionen", "landstinget"])
# 'regionen' is not a municipality's party, nor 'kommunen' a region's
_OTHER_LEVEL = {"region": "kommun", "landsting": "kommun", "kommun": "region", "stad": "region"}
# A capitalised word (not the first of the text) right before a number: 'Tivoligatan 4'.
_NAMED = re.compile(r"(?<=[\wåäö,] )[A-ZÅÄÖ][\wåäö]+\s+$")
_RELATIVE = re.compile(r"(?<![\wåäö])som\s+(?P<words>[^\s,.;:]+(?:\s+[^\s,.;:]+){0,3})\s*$", _I)
_AGENT = re.compile(r"[a-zåäö]{3,}as\s+(?:även\s+|också\s+)?av\s+", _I)


def _genitive(word: str) -> bool:
    """'kommunens', 'föreningens', 'nämndens': a definite noun in the genitive."""
    low = word.lower()
    return len(low) > 5 and low.endswith(("ens", "ets", "ns")) and not low.endswith("ss")


def _same_word(word: str, name_word: str) -> bool:
    """'jouren' ~ 'kvinnojouren', 'korset' ~ 'korset', 'stadsmissionen' ~ 'stadsmission'."""
    if word == name_word:
        return True
    a, b = _stem(word), _stem(name_word)
    if a == b:
        return True
    return len(a) >= 4 and b.endswith(a)


def _stem(word: str) -> str:
    for suffix in ("erna", "arna", "orna", "en", "et", "n"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _sector_of(party: Party) -> str:
    """The party's sector, by its org number first, then by whole words of its name: a
    place name ending in 'stad' ('Fontänhuset Kristianstad') makes no public body."""
    groups = table("organisations")["org_number_group"]
    if party.org_number and party.org_number[0] in groups:
        return groups[party.org_number[0]]
    words = normalized(party.name).split()
    if any(w in _PUBLIC_WORDS or w.endswith(_PUBLIC_ENDINGS) for w in words):
        return "public"
    found = party.sector_hint or sector(party.name, party.org_number)
    if found in ("unknown", "public") and party.role == "party":
        found = table("parties")["default_party_sector"]
    return found


_PUBLIC_WORDS = frozenset(["kommun", "kommunen", "stad", "staden", "region", "regionen",
                           "landsting", "landstinget"])
_PUBLIC_ENDINGS = ("nämnd", "nämnden", "förvaltning", "förvaltningen", "styrelse", "styrelsen",
                   "fullmäktige", "myndighet", "myndigheten")


# --- the action -------------------------------------------------------------------------------

def _next_coordinated(text: str, cues: list[Mention], i: int, sentence_end: int,
                      who: _Who) -> int:
    """Where this cue's action ends because the next cue of the sentence opens a coordinated
    clause: with the same subject ('... per år och ansvara för att ...') or its own ('...,
    och socialnämnden ska placera ...'): at the 'och' or comma. A cue in a relative clause
    ('lokaler som ska vara anpassade', 'varav minst en ska') belongs to this action."""
    for nxt in cues[i + 1:i + 9]:  # a few cues on: a sentence of thousands stays linear
        if nxt.start >= sentence_end:
            break
        m = _COORDINATED.search(text, max(cues[i].end, nxt.start - 120), nxt.start)
        if m and (not m.group("subject").strip()
                  or who.subject(m.group("subject"), nxt.start) is not None):
            return m.start()
    return sentence_end


def _clause_end(text: str, start: int, limit: int) -> int:
    for m in _res()["clause_end"].finditer(text, start, limit):
        if m.group(0) == "\n" or m.group(0) in ".;:":
            return m.start()
    return limit


def _announces(after_cue: str, lead_end: int, clause_end: int, text: str) -> bool:
    """The cue's line only announces a list below it: 'Jouren ska', 'Kommunen åtar sig att:',
    'Nämnden ansvarar för följande:'."""
    announced = _SPACES.sub(" ", after_cue.strip(" :\t")).lower()
    if not announced or announced in _res()["list_announcements"]:
        return True
    # 'Föreningen ska inom ramen för överenskommelsen:' + a list
    return clause_end < len(text) and text[clause_end] == ":" and \
        text[clause_end + 1:lead_end + 1].strip() == ""


def _lead_prefix(after_cue: str) -> str:
    """The words of a lead line that its items complete: 'Kommunen ska tillhandahålla
    följande:' + '- lokaler' -> 'tillhandahålla lokaler'. Nothing for 'Föreningen ska:'."""
    words = _SPACES.sub(" ", after_cue.strip(" :\t")).strip()
    words = _ANNOUNCING_TAIL.sub("", words).strip()
    if not words or words.lower() in _res()["list_announcements"]:
        return ""
    return _res()["leading_adverbs"].sub("", words).strip()


_ANNOUNCING_TAIL = re.compile(
    r"\s*(?:bland\s+annat|bl\.\s*a\.|följande(?:\s+\w+)?|nedanstående|nedan|att)\s*$", _I)


def _skip_adverbs(text: str, start: int, end: int) -> int:
    m = _res()["leading_adverbs"].match(text, start, end)
    return m.end() if m else start


def _actions(text: str, start: int, end: int, keep: int = 0) -> list[tuple[int, int]]:
    """Split coordinated actions: 'bemanna A, erbjuda B och att hålla C' -> three; a verb alone
    ('rekrytera, introducera och samordna volontärer') stays with the next. Where two parts
    carry their own count ('språkcaféer två gånger i veckan och föräldraträffar tre gånger i
    månaden') they are split there too."""
    chunk = text[start:end]
    enumeration = _res()["enumeration"].search(chunk)
    limit = enumeration.start() if enumeration else len(chunk)
    # no cut before `keep`: the cue's own words ('bidrar, genom denna överenskommelse, att')
    cuts = [(m.start(), m.end()) for m in _res()["split"].finditer(chunk, 0, limit)
            if m.start() >= keep - start]
    pieces: list[tuple[int, int]] = []
    pos = 0
    verbs = _verbs()
    for cut_start, cut_end in cuts:
        words = [w.lower() for w in _WORD.findall(chunk[pos:cut_start])]
        if _CLAUSE_AFTER.match(chunk, cut_end):
            continue  # '..., samt att förhållandet mellan parterna präglas av ...': a clause
        if len(words) >= 2 and any(w not in verbs and w not in ("och", "samt") for w in words):
            pieces.append((pos, cut_start))
            pos = cut_end
    if pieces and len(_WORD.findall(chunk[pos:])) < 2:
        pos = pieces.pop()[0]  # '... på individ-, grupp-, och samhällsnivå': no action alone
    pieces.append((pos, len(chunk)))
    out = []
    for ps, pe in pieces:
        for qs, qe in _split_counts(chunk, ps, pe):
            piece = chunk[qs:qe]
            lead = len(piece) - len(_LEADING_ATT.sub("", piece))
            trail = _TRAILING.search(piece)
            a, b = start + qs + lead, start + qe - (len(trail.group(0)) if trail else 0)
            if b > a and _THREE_LETTERS.search(text[a:b]):
                out.append((a, b))
    return out


@cache
def _verbs() -> frozenset[str]:
    return frozenset(_data()["action"]["verbs"])


# After 'att', a subject opens a clause, not an action: a determiner or a definite noun
# ('det', 'de', 'förhållandet', 'verksamheten', 'deltagarna'), or a name.
_CLAUSE_AFTER = re.compile(
    r"(?:det|den|de|dessa|detta|denna|alla|samtliga|[a-zåäö]{3,}(?:et|en|erna|arna|orna)"
    r"|[A-ZÅÄÖ][\wåäö]+)(?![\wåäö])")


def _split_counts(chunk: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a piece between two counted phrases at the last ', ', ' och ' or ' samt '
    before the second: '... två gånger i veckan och föräldraträffar med tre träffar i
    månaden'."""
    counted = [m for m in _counted(chunk, start, end) if _is_count(chunk, m)] + \
        [m for m in _res()["times"].finditer(chunk, start, end) if m.group("unit")]
    counted.sort(key=lambda m: m.start())
    out, pos, prev_end = [], start, None
    for m in counted:
        if prev_end is not None and m.start() >= prev_end:
            cuts = [c for c in _res()["cut"].finditer(chunk, prev_end, m.start())]
            if cuts:
                out.append((pos, cuts[-1].start()))
                pos = cuts[-1].end()
        prev_end = max(prev_end or 0, m.end())
    out.append((pos, end))
    return out


# --- quantity and frequency ----------------------------------------------------------------------

def _counted(text: str, start: int, end: int) -> list[re.Match]:
    """Counted phrases with a frequency ('fyra stödgrupper per år'), overlapping ones too:
    in 'en läkare en kväll per vecka' the article's match hides 'en kväll per vecka'."""
    out, pos, pattern = [], start, _res()["counted"]
    while True:
        m = pattern.search(text, pos, end)
        if m is None:
            return out
        out.append(m)
        pos = m.start("count") + len(m.group("count"))


def _is_count(text: str, m: re.Match) -> bool:
    """Not a year, a day of a month, a clause number, a time; 'en' only before a time word."""
    r = _res()
    word = m.group("count").lower()
    before = text[max(0, m.start() - 30):m.start()]
    if r["year"].fullmatch(word) or r["not_before"].search(before[-12:]):
        return False
    if word[:1].isdigit() and _NAMED.search(before):
        return False  # 'Tivoligatan 4', 'Bilaga 2': a number of a name, no count
    if word in ("en", "ett", "ena"):
        noun = (m.groupdict().get("noun") or "").lower()
        return noun.startswith(r["time_nouns"])
    return True


def _value(count: str) -> int | None:
    """'sex' -> 6, 'fyra (4)' -> 4, '1 800' -> 1800; None for no whole number."""
    n = count_value(count.replace("\u00a0", "").replace(" ", "")
                    if count[:1].isdigit() else count)
    return int(n) if n is not None and n == int(n) else None


def _quantity_frequency(action: str) -> tuple[int | None, str]:
    r = _res()
    masked = _TIME.sub(lambda m: " " * len(m.group(0)), action)
    if not _HAS_DIGIT.search(masked) and not r["number_words"].intersection(
            _WORD.findall(masked.lower())):
        return None, _frequency(masked)  # no count written: only the frequency to read
    quantity, frequency = None, ""
    for m in r["times"].finditer(masked):
        n = _value(m.group("count"))
        if n is not None and not r["year"].fullmatch(m.group("count")):
            quantity = n
            if m.group("unit"):
                frequency = r["units"][m.group("unit").lower()][0]
            break
    if quantity is None:
        for m in _counted(masked, 0, len(masked)):
            if _is_count(masked, m):
                n = _value(m.group("count"))
                if n is not None:
                    quantity = n
                    frequency = r["units"][m.group("unit").lower()][0]
                    break
    if quantity is None:
        for m in r["count"].finditer(masked):
            word = m.group("count").lower()
            if word in ("en", "ett", "ena") or not _is_count(masked, m):
                continue
            n = _value(word)
            if n is not None:
                quantity = n
                break
    if not frequency:
        frequency = _frequency(masked)
    return quantity, frequency


def _frequency(action: str) -> str:
    r = _res()
    per = r["per"].search(action)
    if per:
        return r["units"][per.group("unit").lower()][0]
    word = r["frequency_words"].search(action)
    if word:
        return _data()["quantity"]["frequency_words"][_SPACES.sub(" ", word.group(0).lower())]
    adverb = r["adverb"].search(action)
    if adverb:
        key = _SPACES.sub("_", adverb.group(0).lower())
        return table("periods")["frequency_adverbs"][key][0]
    if r["once"].search(action):
        return "once"
    return ""


def _short(action: str) -> str:
    action = _SPACES.sub(" ", action).strip(" ,")
    return action if len(action) <= 200 else action[:197].rsplit(" ", 1)[0] + " …"


_JOINT = "\x00joint"  # the 'who' of a heading over every party's duties


# --- layout: lines, lists, headings ---------------------------------------------------------------

@dataclass(slots=True)
class _Heading:
    start: int
    end: int
    who: str
    items_start: int


class _Layout:
    """The clean text's lines, read once: list items and the headings that open a section
    (a party's duties, or background and purpose)."""

    def __init__(self, text: str, cues: list[Mention]):
        self.text = text
        self.starts: list[int] = []
        self.ends: list[int] = []
        pos = 0
        for line in text.split("\n"):
            self.starts.append(pos)
            self.ends.append(pos + len(line))
            pos += len(line) + 1
        cue_starts = [c.start for c in cues]
        self.cue_starts = cue_starts
        r = _res()
        self.sections: list[tuple[int, str, str]] = []  # (line start, kind, who)
        self.duty_headings: list[_Heading] = []
        for n, (s, e) in enumerate(zip(self.starts, self.ends, strict=True)):
            line = text[s:e]
            joined = _HEADING_THEN_CLAUSE.match(line)
            duty = r["duty_heading"].match(joined.group("head")) if joined else None
            if duty:  # '4 Klubbens åtaganden 4.1 Klubben håller ...': read as one line
                who = duty.group("who") or duty.group("who2")
                self.sections.append((s, "duty", who))
                self.duty_headings.append(_Heading(s, s + joined.end("head"), who,
                                                   s + joined.end()))
                continue
            if not _looks_like_heading(line):
                if _NUMBERED.match(line) and self.sections and \
                        _ends_section(self.sections[-1][1], line):
                    self.sections.append((s, "other", ""))  # '3.1 Föreningen ska ...'
                continue
            if self.has_cue(s, e):
                if _NUMBERED.match(line) and self.sections and \
                        _ends_section(self.sections[-1][1], line):
                    self.sections.append((s, "other", ""))  # '5 Parternas åtaganden 5.1 ...'
                continue  # 'Jouren ska' leads a list; it is no heading
            duty = r["duty_heading"].match(line)
            joint = r["joint_heading"].match(line)
            if duty or joint:
                who = _JOINT if joint else duty.group("who") or duty.group("who2")
                self.sections.append((s, "duty", who))
                nxt = self._next_nonblank(n + 1)
                self.duty_headings.append(_Heading(s, e, who, self.starts[nxt]
                                                   if nxt is not None else e))
            elif r["background"].match(line):
                self.sections.append((s, "background", ""))
            elif r["decision"].match(line):
                self.sections.append((s, "decision", ""))
            else:
                self.sections.append((s, "other", ""))
        self._section_starts = [x[0] for x in self.sections]

    def _section(self, position: int) -> tuple[int, str, str] | None:
        i = bisect_right(self._section_starts, position) - 1
        return self.sections[i] if i >= 0 else None

    def section_end(self, position: int) -> int:
        """Where the section holding the position ends: at the next heading."""
        i = bisect_right(self._section_starts, position)
        return self._section_starts[i] if i < len(self._section_starts) else len(self.text)

    def kind_at(self, position: int) -> str:
        """The kind of section holding the position: duty, background, decision or other."""
        section = self._section(position)
        return section[1] if section is not None else "other"

    def duty_party(self, position: int) -> str | None:
        section = self._section(position)
        return section[2] if section is not None and section[1] == "duty" else None

    def line_of(self, position: int) -> int:
        return bisect_right(self.starts, position) - 1

    def line_end(self, position: int) -> int:
        return self.ends[self.line_of(position)]

    def same_paragraph(self, a: int, b: int) -> bool:
        """No blank line between the two positions."""
        return "\n\n" not in self.text[a:b] and "\n \n" not in self.text[a:b]

    def _next_nonblank(self, n: int, limit: int = 4) -> int | None:
        for k in range(n, min(n + limit, len(self.starts))):
            if self.text[self.starts[k]:self.ends[k]].strip():
                return k
        return None

    def has_cue(self, start: int, end: int) -> bool:
        i = bisect_left(self.cue_starts, start)
        return i < len(self.cue_starts) and self.cue_starts[i] < end

    def _resumes(self, k: int, kind: str, expected: str | None) -> int | None:
        """The line where the list goes on after one or two lines of page furniture (a
        running header or footer) starting at line k, or None. An ordered list goes on at
        its next number or letter; a bulleted one only past lines that look like furniture."""
        seen = 0
        for j in range(k, min(k + 8, len(self.starts))):
            line = self.text[self.starts[j]:self.ends[j]]
            if not line.strip():
                continue
            marker = _MARKER.match(line)
            if marker and _marker_kind(marker) == kind:
                if kind == "bullet" or _fits(marker, expected):
                    return j
                return None
            if self.has_cue(self.starts[j], self.ends[j]) or \
                    (kind == "bullet" and not _FURNITURE.search(line)):
                return None  # '... Sida 2(4) 5.2 Regionen ska': the next list's lead
            seen += 1
            if seen > 2:
                return None
        return None

    def items_after(self, position: int) -> list[tuple[int, int]]:
        """The items of the list that starts below the line holding `position`: blank lines
        may stand before and between items (OCR, DOCX paragraphs); a line that is no item
        continues the item above when that one is unfinished (no ',', ';' or '.' at its end,
        or it ends in a word like 'om' or 'per'); several items read into one line by OCR
        ('..., b) informera ..., C) utse ...') are split."""
        text = self.text
        n = self._next_nonblank(self.line_of(position) + 1)
        if n is None:
            return []
        first = _MARKER.match(text, self.starts[n], self.ends[n])
        if not first:
            return []
        kind = _marker_kind(first)
        items: list[list[int]] = []
        expected = _successor(first)
        blank = 0
        k = n
        while k < len(self.starts):
            s, e = self.starts[k], self.ends[k]
            line = text[s:e]
            if not line.strip():
                blank += 1
                if blank > 3:
                    break
                k += 1
                continue
            marker = _MARKER.match(text, s, e)
            if marker and _marker_kind(marker) == kind and (
                    not items or _fits(marker, expected)) and not (
                    kind == "number" and _looks_like_heading_item(text, marker.end(), e)):
                items.append([marker.end(), e, _successor(marker)])
                expected = _successor(marker)
            elif items and _continues(text, items[-1][1], s, e, blank):
                items[-1][1] = e
            elif items and (resume := self._resumes(k, kind, expected)) is not None:
                # a page break inside the list: OCR and text layers put the running header
                # or footer between 'a) ...' and 'b) ...'
                if kind != "bullet":
                    items[-1][1] = self.ends[resume - 1]
                k = resume
                blank = 0
                continue
            else:
                break
            blank = 0
            k += 1
        out: list[tuple[int, int]] = []
        for s, e, successor in items:
            out.extend(_split_merged(text, s, e, kind, successor))
        return [(s, e) for s, e in (_trim(text, s, e) for s, e in out) if e > s]


# A heading the text layer joined to its first numbered clause: '4 Klubbens åtaganden 4.1 ...'.
_HEADING_THEN_CLAUSE = re.compile(r"(?P<head>\S.{2,78}?)[ \t]+(?=\d+\.\d+\.?[ \t]+[A-ZÅÄÖ])")
_FURNITURE = re.compile(r"(?i)\bsida\s+\d|\b\d+\s*\(\d+\)|\b\d+\s+av\s+\d+\b|^\s*\d+\s*$"
                        r"|\b(?:postadress|telefon|besöksadress|e-post|www\.)")


def _ends_section(kind: str, line: str) -> bool:
    """A numbered line ends a background section; a decision's own numbered points
    ('1. Socialnämnden godkänner ...') stay in the decision."""
    return kind == "background" or (kind == "decision" and not _NUMBERED_POINT.match(line))


def _looks_like_heading(line: str) -> bool:
    """A short line without closing punctuation that opens with a capital, a number or §:
    'Bakgrund', '5. Kommunens åtaganden', '§ 6 Ekonomi'. A bulleted line is no heading."""
    stripped = line.strip()
    if not stripped or len(stripped) > 80 or stripped[-1] in ".,;":
        return False
    marker = _MARKER.match(line)
    if marker and (marker.group("bullet") or not line[marker.end():marker.end() + 1].isupper()):
        return False
    return bool(_CAPITAL.match(stripped)) and len(stripped.split()) <= 9


def _looks_like_heading_item(text: str, start: int, end: int) -> bool:
    """'3. Ekonomi' after a numbered list '1. ...', '2. ...' is a heading, not its third item."""
    body = text[start:end].strip()
    return bool(body) and body[0].isupper() and body[-1] not in ".,;:" and \
        len(body.split()) <= 6


def _marker_kind(m: re.Match) -> str:
    if m.group("number"):
        return "number"
    if m.group("letter") or m.group("dotted"):
        return "letter"
    return "bullet"


def _letter(m: re.Match) -> str:
    return (m.group("letter") or m.group("dotted") or "").lower()


def _successor(m: re.Match) -> str | None:
    if m.group("number"):
        return str(int(m.group("number")) + 1)
    if _letter(m):
        return chr(ord(_letter(m)) + 1)
    return None


def _fits(m: re.Match, expected: str | None) -> bool:
    if expected is None:
        return True
    return (m.group("number") or _letter(m)) == expected


def _continues(text: str, item_end: int, s: int, e: int, blank: int) -> bool:
    """The line s..e continues the item ending at item_end: the item ends in a word that
    needs more ('om', 'per', 'och': even across a blank line or a page break), or the line
    opens in lower case or with a digit ('kl.' / '15.00-17.30, ...') where the item has no
    closing punctuation. A line opening with a capital after an unfinished item is a new
    paragraph ('- kalla till möten' / 'Placering sker ...')."""
    tail = text[max(0, item_end - 60):item_end].rstrip()
    words = _WORD.findall(tail[-30:])
    last = words[-1].lower() if words else ""
    if last in _res()["continuation_words"]:
        return True  # 'rapportera beläggningen ... en gång per' / 'månad.'
    if blank:
        return False
    first = text[s:e].lstrip()[:1]
    if tail.endswith((",", ";")) or (tail.endswith(".") and not _ABBREVIATION.search(tail)):
        return first.islower()
    return first.islower() or first.isdigit()


_ABBREVIATION = re.compile(r"(?<![\wåäö])(?:kl|ca|t\.ex|bl\.a|m\.m|resp|inkl|nr)\.$", _I)


def _split_merged(text: str, s: int, e: int, kind: str, expected: str | None
                  ) -> list[tuple[int, int]]:
    """OCR and unwrapping read items into one line: '... genom skolorna, C) utse ...',
    'åtar sig att a. utse en kontaktperson, b. kalla till möten'. An ordered list is split
    only at its next letter or number ('..., t.ex. skolor' is no item 't')."""
    out, pos = [], s
    if kind == "bullet":
        for m in _MERGED_BULLET.finditer(text, s, e):
            out.append((pos, m.start()))
            pos = m.end()
    else:
        for m in _MERGED_ORDERED.finditer(text, s, e):
            got = (m.group("n") or m.group("l") or m.group("l2") or "").lower()
            if got != expected:
                continue
            out.append((pos, m.start()))
            pos = m.end()
            expected = str(int(got) + 1) if got.isdigit() else chr(ord(got) + 1)
    out.append((pos, e))
    return out


_MERGED_ORDERED = re.compile(
    r"(?<=[,;])\s+(?:\(?(?P<n>\d{1,2})\)|\(?(?P<l>[a-zA-Z])\)|(?P<d>(?P<l2>[a-z]))\.)\s+")
_MERGED_BULLET = re.compile(r"(?<=[,;])\s+[●•▪■]\s+")


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    item = text[s:e]
    lead = len(item) - len(_LEADING_ATT.sub("", item))
    trail = _TRAILING.search(item)
    return s + lead, e - (len(trail.group(0)) if trail else 0)

