"""make eval: how much of the gold each corpus's tables hold, per field and per corpus.

Runs `iop extract` on each corpus beside the repo (../shared): the seeds against gold/, the
fixtures against gold/fixtures/, corpus/dev/docs against corpus/dev/gold/ and
corpus/dev/renderings against gold-renderings/ (split by format: text-layer PDF, DOCX,
scan). Prints per corpus the overall score, a table of recall per field (precision for
amounts, where an extra amount is an error), each rendering format beside the text versions
of the same documents, and the worst misses with their quotes: from the tables' provenance
where a row was found with a wrong attribute, else from the source text.

The scoring is the one ../shared/tools/score.py measures with (the same fields, the same
name matching, extra amounts counted against the score), written out again here so this
benchmark runs on its own; tests/test_eval.py checks that the two agree.

    python bench/eval.py [--corpus dev,renderings] [--shared DIR] [--out DIR] [--cache]
                         [--tables DIR --gold DIR] [--misses N] [--show]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

FACT_TABLES = ("parties", "amounts", "periods", "obligations", "signatories", "flags")


@dataclass(frozen=True)
class Corpus:
    name: str
    inputs: str  # under the shared folder
    gold: str
    split: bool = False  # scored per format (text-layer PDF, DOCX, scan) as well
    in_repo: bool = False  # under the repository, not the shared folder

    def root(self, shared: Path) -> Path:
        return REPO if self.in_repo else shared


CORPORA = (
    Corpus("seeds", "seeds", "gold"),
    Corpus("fixtures", "fixtures", "gold/fixtures"),
    Corpus("dev", "corpus/dev/docs", "corpus/dev/gold"),
    Corpus("renderings", "corpus/dev/renderings", "corpus/dev/gold-renderings", split=True),
    # twelve documents in conventions of municipalities outside the dev corpus, with gold
    # written by the guidelines by someone who had not read the code (bench/holdout/README.md)
    Corpus("holdout", "bench/holdout/docs", "bench/holdout/gold", in_repo=True),
)


# --- matching, as the shared scorer matches ------------------------------------------

_NON_WORD = re.compile(r"[^\wåäö]+")
_STOP = frozenset({"i", "och", "för", "av", "the"})


def norm(text: object) -> str:
    """Lower case, NFC, every run of non-word characters one space."""
    lowered = unicodedata.normalize("NFC", str(text or "")).lower()
    return " ".join(_NON_WORD.sub(" ", lowered).split())


def _stem(token: str) -> str:
    for suffix in ("et", "en", "s"):
        if len(token) > 5 and token.endswith(suffix):
            return token[: -len(suffix)]
    return token


def tokens(name: object) -> set[str]:
    return {_stem(t) for t in norm(name).split() if t not in _STOP}


def similar(a: object, b: object) -> bool:
    """Two names match when the shorter one's significant words are (mostly) in the other:
    all of them for one or two words, 60% for more."""
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return False
    fewer = min(len(ta), len(tb))
    shared = len(ta & tb)
    return shared == fewer if fewer <= 2 else shared / fewer >= 0.6


def number(value: object) -> float | None:
    try:
        return float(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except ValueError:
        return None


def cell(row: dict, *names: str) -> str:
    """The first of the columns that has a value, else ''."""
    for name in names:
        if row.get(name) not in (None, ""):
            return row[name]
    return ""


# --- the tables of one run -----------------------------------------------------------


@dataclass
class Tables:
    documents: list[dict]
    by_file: dict[str, str]  # file name -> doc_id
    rows: dict[str, dict[str, list[dict]]]  # table -> doc_id -> rows
    folder: Path

    @classmethod
    def load(cls, folder: Path) -> Tables:
        documents = _csv(folder, "documents")
        by_file = {Path(cell(d, "source", "path")).name: cell(d, "doc_id", "id")
                   for d in documents}
        rows: dict[str, dict[str, list[dict]]] = {t: defaultdict(list) for t in FACT_TABLES}
        for table in FACT_TABLES:
            for row in _csv(folder, table):
                rows[table][cell(row, "doc_id")].append(row)
                related = cell(row, "related_doc_id", "other_doc_id")
                if table == "flags" and related:  # a pair's flag counts on both documents
                    rows[table][related].append(dict(row, _related=True))
        return cls(documents, by_file, rows, folder)

    def doc_id(self, source: str) -> str | None:
        found = self.by_file.get(source)
        if found is None:
            stem = Path(source).stem
            found = next((v for k, v in self.by_file.items() if Path(k).stem == stem), None)
        return found


def _csv(folder: Path, name: str) -> list[dict]:
    path = folder / f"{name}.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- scoring -------------------------------------------------------------------------


@dataclass
class Miss:
    field: str
    source: str
    what: str
    doc_id: str | None = None
    rows: list[dict] = field(default_factory=list)  # what the tables hold instead
    needle: re.Pattern | None = None  # where the source text says it


@dataclass
class Result:
    hit: Counter = field(default_factory=Counter)
    total: Counter = field(default_factory=Counter)
    extra: Counter = field(default_factory=Counter)
    misses: list[Miss] = field(default_factory=list)
    documents: int = 0

    def add(self, other: Result) -> Result:
        self.hit.update(other.hit)
        self.total.update(other.total)
        self.extra.update(other.extra)
        self.misses.extend(other.misses)
        self.documents += other.documents
        return self

    def check(self, name: str, ok: bool, miss: Miss) -> None:
        self.total[name] += 1
        if ok:
            self.hit[name] += 1
        else:
            self.misses.append(miss)

    @property
    def score(self) -> float:
        denominator = sum(self.total.values()) + sum(self.extra.values())
        return sum(self.hit.values()) / denominator if denominator else 0.0

    def recall(self, name: str) -> float | None:
        return self.hit[name] / self.total[name] if self.total[name] else None


def score_document(tables: Tables, gold: dict) -> Result:
    """One gold file against the tables: every check the shared scorer makes."""
    result = Result(documents=1)
    src = gold["source"]
    doc_id = tables.doc_id(src)

    def check(name: str, ok: bool, what: str, rows: Iterable[dict] = (),
              needle: re.Pattern | None = None) -> None:
        result.check(name, ok, Miss(name, src, what, doc_id, list(rows), needle))

    if doc_id is None:
        check("documents", False, "not in documents.csv")
        return result
    row = next(d for d in tables.documents if cell(d, "doc_id", "id") == doc_id)
    status = cell(row, "status")
    check("documents", status in ("ok", ""), f"status {status} {cell(row, 'code')}",
          [row])
    if "kind" in gold:
        check("kind", cell(row, "kind") == gold["kind"],
              f"kind {cell(row, 'kind')} != {gold['kind']}", [row])
    _score_parties(tables.rows["parties"][doc_id], gold, check)
    _score_amounts(tables.rows["amounts"][doc_id], gold, check, result, doc_id)
    _score_periods(tables.rows["periods"][doc_id], gold, check)
    people = tables.rows["signatories"][doc_id]
    for want in gold.get("signatories") or []:
        if want.get("person"):
            check("signatory", any(similar(cell(r, "person", "name"), want["person"])
                                   for r in people),
                  f"signatory {want['person']}", people, _name_needle(want["person"]))
    duties = tables.rows["obligations"][doc_id]
    for want in gold.get("obligations") or []:
        key = norm(want["action_contains"])
        found = [r for r in duties if key in norm(cell(r, "action", "text", "quote"))]
        check("obligation", bool(found), f"obligation '{want['action_contains']}'",
              needle=_phrase_needle(want["action_contains"]))
        if found and want.get("quantity") is not None:
            check("obligation.quantity",
                  any(number(cell(r, "quantity")) == want["quantity"] for r in found),
                  f"quantity {want['quantity']} for '{want['action_contains']}'", found)
    flags = tables.rows["flags"][doc_id]
    codes = [cell(r, "code") for r in flags]
    details = {d.get("code"): d for d in gold.get("flag_details") or []}
    for code in gold.get("flags") or []:
        want = (gold.get("flag_counts") or {}).get(code, 1)
        detail = details.get(code, {})
        hint = "; ".join(str(detail[k]) for k in ("this", "other") if detail.get(k))
        quoted = re.findall(r"'([^']{4,})'", str(detail.get("this", "")))
        check("flag", codes.count(code) >= want,
              f"flag {code} x{want} (got {codes.count(code)})" + (f": {hint}" if hint else ""),
              needle=_phrase_needle(quoted[0]) if quoted else None)
    for code in gold.get("absent_flags") or []:
        check("no_false_flag", code not in codes, f"false {code}",
              [r for r in flags if cell(r, "code") == code])
    return result


def _score_parties(rows: list[dict], gold: dict, check) -> None:
    for want in gold.get("parties") or []:
        if want.get("org_number"):
            check("org_number", any(cell(r, "org_number").replace(" ", "") == want["org_number"]
                                    for r in rows),
                  f"org number {want['org_number']}",
                  needle=re.compile(re.escape(want["org_number"]).replace(r"\-", r"\s*-?\s*")))
        found = [r for r in rows if similar(cell(r, "name", "name_normalized"), want["name"])]
        check("party", bool(found), f"party {want['name']}", needle=_name_needle(want["name"]))
        if found and want.get("sector"):
            check("sector", any(cell(r, "sector") == want["sector"] for r in found),
                  f"sector of {want['name']} ({want['sector']})", found)


def _score_amounts(rows: list[dict], gold: dict, check, result: Result, doc_id: str) -> None:
    wanted = gold.get("amounts") or []
    values = [a["amount_sek"] for a in wanted]
    for want in wanted:
        value = want["amount_sek"]
        found = [r for r in rows if number(cell(r, "amount_sek", "amount", "value")) == value]
        label = kronor(value)
        note = f" ({want['note']})" if want.get("note") else ""
        check("amount", bool(found), f"amount {label}{note}", needle=_amount_needle(value))
        if not found:
            continue
        if want.get("payer"):
            check("amount.payer", any(similar(cell(r, "payer"), want["payer"]) for r in found),
                  f"payer of {label}: want {want['payer']}, got "
                  f"{_got(found, 'payer')}", found)
        if want.get("payee"):
            check("amount.payee", any(similar(cell(r, "payee"), want["payee"]) for r in found),
                  f"payee of {label}: want {want['payee']}, got "
                  f"{_got(found, 'payee')}", found)
        if want.get("basis"):
            check("amount.basis", any(cell(r, "basis") == want["basis"] for r in found),
                  f"basis of {label}: want {want['basis']}, got {_got(found, 'basis')}", found)
        if want.get("in_kind") is not None:
            accepted = ("true", "t", "1") if want["in_kind"] else ("false", "f", "0")
            check("amount.in_kind", any(cell(r, "in_kind").lower() in accepted for r in found),
                  f"in_kind of {label}: want {want['in_kind']}, got "
                  f"{_got(found, 'in_kind')}", found)
        if want.get("period_end"):
            check("amount.period", any(cell(r, "period_end") == want["period_end"]
                                       for r in found),
                  f"period of {label}: want ..{want['period_end']}, got "
                  f"{_got(found, 'period_end')}", found)
    got = {number(cell(r, "amount_sek", "amount", "value")) for r in rows}
    for value in got:
        if value is not None and value not in values:
            result.extra["amount"] += 1
            result.misses.append(Miss(
                "amount (extra)", gold["source"], f"extra amount {kronor(value)}", doc_id,
                [r for r in rows if number(cell(r, "amount_sek")) == value]))


def _score_periods(rows: list[dict], gold: dict, check) -> None:
    if gold.get("term"):
        term = gold["term"]
        terms = [r for r in rows if cell(r, "kind") in ("term", "agreement_term")]
        # periods.start_date/end_date; `start`/`end` in CSVs written to the old contract
        spans = [(cell(r, "start_date", "start"), cell(r, "end_date", "end")) for r in terms]
        check("term", any(start == term["start"] and (end or None) == (term["end"] or None)
                          for start, end in spans),
              f"term {term['start']}..{term['end']}, got "
              + (", ".join(f"{start}..{end}" for start, end in spans) or "none"),
              terms, _date_needle(term["start"]))
    if gold.get("notice_months"):
        notices = [r for r in rows if cell(r, "kind") == "notice"]
        check("notice", any(number(cell(r, "months")) == gold["notice_months"]
                            for r in notices),
              f"notice {gold['notice_months']} months, got "
              + (", ".join(cell(r, "months") or "?" for r in notices) or "none"), notices,
              re.compile(r"uppsägningstid|uppsäg", re.IGNORECASE))


def kronor(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def _got(rows: list[dict], column: str) -> str:
    return "/".join(sorted({cell(r, column) or "-" for r in rows}))


# --- where the source text says it -----------------------------------------------------


def _amount_needle(value: float) -> re.Pattern:
    """The amount as it may be written: 690 000, 690000, 690.000, 690 tkr, 0,69 mnkr."""
    whole = f"{int(value):d}"
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    forms = [r"[\s.\u00a0]?".join(groups)]
    if value >= 1000 and value % 1000 == 0:
        forms.append(rf"{int(value // 1000)}\s*(?:tkr|tusen)")
    if value >= 100_000:
        millions = f"{value / 1e6:.3f}".rstrip("0").rstrip(".").replace(".", ",")
        forms.append(rf"{re.escape(millions)}\s*(?:mnkr|mkr|milj)")
    return re.compile(r"(?<![\d,])(?<!\d[\s.\u00a0])(?:" + "|".join(forms) + r")(?!\d|[\s.]\d)",
                      re.IGNORECASE)


def _phrase_needle(phrase: str) -> re.Pattern | None:
    words = norm(phrase).split()
    if not words:
        return None
    # a line break, a hyphenation or punctuation may sit between the words
    return re.compile(r"[\W_]+".join(r"-?\s*".join(map(re.escape, w)) if len(w) > 6
                                       else re.escape(w) for w in words), re.IGNORECASE)


def _name_needle(name: str) -> re.Pattern | None:
    words = [w for w in norm(name).split() if w not in _STOP]
    if not words:
        return None
    longest = max(words, key=len)
    return re.compile(r"[\W_]+".join(map(re.escape, words)) + "|" + re.escape(longest),
                      re.IGNORECASE)


_MONTHS = ("januari februari mars april maj juni juli augusti september oktober november "
           "december").split()


def _date_needle(iso: str | None) -> re.Pattern | None:
    if not iso or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return None
    year, month, day = iso.split("-")
    words = rf"{int(day)}\s+{_MONTHS[int(month) - 1]}\s+{year}"
    return re.compile(rf"{iso}|{year}{month}{day}|{words}", re.IGNORECASE)


class Pages:
    """The page texts of a run (pages.parquet), read only when a miss is shown."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._texts: dict[str, list[tuple[int, str]]] | None = None

    def of(self, doc_id: str | None) -> list[tuple[int, str]]:
        if self._texts is None:
            self._texts = defaultdict(list)
            try:
                import pyarrow.parquet as pq

                table = pq.read_table(self.folder / "pages.parquet",
                                      columns=["doc_id", "page", "text"]).to_pylist()
            except Exception:  # no pyarrow or no pages table: misses are shown without text
                table = []
            for row in table:
                self._texts[row["doc_id"]].append((row["page"], row["text"] or ""))
        return self._texts.get(doc_id or "", [])


def _squash(text: str) -> str:
    return " ".join(text.split())


def quote_of(miss: Miss, pages: Pages, width: int = 60) -> str:
    """Where the miss shows: the quotes of the rows found, else the source text."""
    quoted = [r for r in miss.rows if r.get("quote")]
    if quoted:
        return " | ".join(f"p{r.get('page')}:{r.get('char_start')} \"{_squash(r['quote'])}\""
                          for r in quoted[:3])
    if miss.needle is not None:
        for page, text in pages.of(miss.doc_id):
            found = miss.needle.search(text)
            if found:
                start, end = max(0, found.start() - width), found.end() + width
                return (f"p{page}:{found.start()} \"…{_squash(text[start:found.start()])} "
                        f"[{_squash(found.group())}] {_squash(text[found.end():end])}…\"")
        return "(not found in the text as read)"
    if miss.rows:
        row = miss.rows[0]
        return _squash(str(row.get("message") or row.get("error") or ""))[:160]
    return ""


# --- running and reporting -----------------------------------------------------------


# Accuracy, not speed: a busy machine must not turn a slow scan into a TIMEOUT row.
TIMEOUT_S = 600


def extract(inputs: Path, out: Path, cache: Path | None, timeout: float = TIMEOUT_S) -> None:
    """iop extract on one corpus; exit 3 (some files unreadable) is a result, not a failure."""
    command = [sys.executable, "-m", "pipeline", "extract", str(inputs), "--out", str(out),
               "--timeout", str(timeout)]
    command += ["--no-cache"] if cache is None else ["--cache", str(cache)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if done.returncode not in (0, 3):
        sys.exit(f"iop extract {inputs} failed ({done.returncode}):\n{done.stderr[-2000:]}")


def gold_files(folder: Path) -> list[tuple[Path, dict]]:
    return [(path, json.loads(path.read_text(encoding="utf-8")))
            for path in sorted(folder.glob("*.json"))]


def score_run(tables: Tables, golds: list[tuple[Path, dict]]) -> dict[str, Result]:
    """Per gold file (by its source name), so that groups of documents can be added up."""
    return {gold["source"]: score_document(tables, gold) for _, gold in golds}


def total(results: Iterable[Result]) -> Result:
    out = Result()
    for result in results:
        out.add(result)
    return out


def rendering_format(path: Path) -> str:
    """'pdf' (a text layer), 'scan' (a PDF without one), 'docx', or the suffix."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix != "pdf":
        return suffix
    try:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                textpage = page.get_textpage()
                chars = textpage.count_chars()
                textpage.close()
                page.close()
                if chars > 20:
                    return "pdf"
        finally:
            pdf.close()
    except Exception:
        return "pdf"
    return "scan"


def text_twin(source: str, texts: Iterable[str]) -> str | None:
    """The text document a rendering was made from: the longest text stem it starts with."""
    stem = Path(source).stem
    starts = [t for t in texts if stem.startswith(Path(t).stem)]
    return max(starts, key=lambda t: len(Path(t).stem)) if starts else None


def fields_of(results: Iterable[Result]) -> list[str]:
    names: set[str] = set()
    for result in results:
        names.update(result.total)
    return sorted(names)


def _cell(result: Result, name: str) -> str:
    if not result.total[name]:
        return "-"
    return f"{result.hit[name] / result.total[name]:.2f} {result.hit[name]}/{result.total[name]}"


def print_table(columns: dict[str, Result]) -> None:
    """One row per field, one column per corpus (recall hit/total); amounts' precision."""
    names = fields_of(columns.values())
    width = max(13, *(len(c) + 1 for c in columns))
    print(f"{'field':22s}" + "".join(f"{c:>{width}s}" for c in columns))
    for name in names:
        print(f"{name:22s}" + "".join(f"{_cell(r, name):>{width}s}" for r in columns.values()))
    extras = []
    for result in columns.values():
        extra, hit = result.extra["amount"], result.hit["amount"]
        extras.append(f"{hit / (hit + extra):.2f} x{extra}" if hit + extra else "-")
    print(f"{'amount precision':22s}" + "".join(f"{e:>{width}s}" for e in extras))
    print(f"{'score':22s}" + "".join(f"{r.score:>{width}.3f}" for r in columns.values()))


def print_twins(formats: dict[str, Result], twins: dict[str, Result]) -> None:
    """Each rendering format beside the text versions of the same documents."""
    names = fields_of([*formats.values(), *twins.values()])
    heads = []
    for fmt in formats:
        heads += [fmt, "its text", "diff"]
    print(f"{'field':22s}" + "".join(f"{h:>13s}" for h in heads))
    for name in [*names, "score"]:
        cells = []
        for fmt, result in formats.items():
            twin = twins[fmt]
            if name == "score":
                a, b = result.score, twin.score
            else:
                a, b = result.recall(name), twin.recall(name)
            cells += [_cell(result, name) if name != "score" else f"{a:.3f}",
                      _cell(twin, name) if name != "score" else f"{b:.3f}",
                      f"{a - b:+.2f}" if a is not None and b is not None else "-"]
        print(f"{name:22s}" + "".join(f"{c:>13s}" for c in cells))


def print_misses(label: str, result: Result, pages: Pages, limit: int, show_all: bool) -> None:
    """The fields with the lowest recall first, a few misses each, with their quotes."""
    by_field: dict[str, list[Miss]] = defaultdict(list)
    for miss in result.misses:
        by_field[miss.field].append(miss)
    if not by_field:
        return
    order = sorted(by_field, key=lambda f: (result.recall(f.replace(" (extra)", "")) or 0.0,
                                            -len(by_field[f])))
    per_field = max(2, limit // len(order)) if not show_all else 10**9
    print(f"\n-- worst misses: {label} --")
    shown = 0
    for name in order:
        for miss in by_field[name][:per_field]:
            if shown >= limit and not show_all:
                return
            print(f"{name:20s} {miss.source}: {miss.what}")
            where = quote_of(miss, pages)
            if where:
                print(f"{'':20s}   {where}")
            shown += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--corpus", default=",".join(c.name for c in CORPORA),
                        help="comma-separated: seeds, fixtures, dev, renderings, holdout")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "eval",
                        help="folder for each corpus's tables (and the cache)")
    parser.add_argument("--cache", action="store_true",
                        help="keep a cache under --out (default: every file read again)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_S,
                        help="seconds allowed per file (generous: a busy machine is slow)")
    parser.add_argument("--no-extract", action="store_true",
                        help="score the tables already in --out")
    parser.add_argument("--tables", type=Path, help="score this folder of tables ...")
    parser.add_argument("--gold", type=Path, help="... against this folder of gold files")
    parser.add_argument("--misses", type=int, default=40, help="worst misses shown per corpus")
    parser.add_argument("--show", action="store_true", help="every miss")
    args = parser.parse_args(argv)

    if args.tables or args.gold:
        if not (args.tables and args.gold):
            parser.error("--tables and --gold go together")
        result = total(score_run(Tables.load(args.tables), gold_files(args.gold)).values())
        print_table({"tables": result})
        print_misses(str(args.tables), result, Pages(args.tables), args.misses, args.show)
        return 0

    if not args.shared.is_dir():
        print(f"{args.shared} is missing: make eval needs ../shared beside the repo",
              file=sys.stderr)
        return 2
    wanted = [c for c in CORPORA if c.name in args.corpus.split(",")]
    cache = args.out / "cache" if args.cache else None
    columns: dict[str, Result] = {}
    runs: dict[str, tuple[Tables, dict[str, Result]]] = {}
    for corpus in wanted:
        out = args.out / corpus.name
        if not args.no_extract:
            extract(corpus.root(args.shared) / corpus.inputs, out, cache, args.timeout)
        tables = Tables.load(out)
        results = score_run(tables, gold_files(corpus.root(args.shared) / corpus.gold))
        runs[corpus.name] = (tables, results)
        whole = total(results.values())
        columns[corpus.name] = whole
        print(f"{corpus.name:12s} {whole.documents:3d} documents  score {whole.score:.3f} "
              f"({sum(whole.hit.values())}/"
              f"{sum(whole.total.values()) + sum(whole.extra.values())}, "
              f"{whole.extra['amount']} extra amounts)")
        if corpus.split:
            formats: dict[str, list[str]] = defaultdict(list)
            for source in results:
                formats[rendering_format(corpus.root(args.shared) / corpus.inputs / source)
                        ].append(source)
            for fmt in sorted(formats):
                part = total(results[s] for s in formats[fmt])
                columns[f"{corpus.name}:{fmt}"] = part
                print(f"{'  ' + fmt:12s} {part.documents:3d} documents  score {part.score:.3f}")
    print()
    print_table(columns)

    if "renderings" in runs and "dev" in runs:
        _, rendered = runs["renderings"]
        _, texts = runs["dev"]
        formats_r: dict[str, Result] = {}
        twins: dict[str, Result] = {}
        for source, result in sorted(rendered.items()):
            twin = text_twin(source, texts)
            if twin is None:
                continue
            fmt = rendering_format(args.shared / "corpus/dev/renderings" / source)
            formats_r.setdefault(fmt, Result()).add(result)
            twins.setdefault(fmt, Result()).add(texts[twin])
        if formats_r:
            print("\nrenderings beside the text versions of the same documents")
            print_twins(dict(sorted(formats_r.items())), {f: twins[f] for f in sorted(formats_r)})

    for corpus in wanted:
        _, results = runs[corpus.name]
        print_misses(corpus.name, total(results.values()), Pages(args.out / corpus.name),
                     args.misses, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
