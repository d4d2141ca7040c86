"""Publishing never destroys what iop did not write.

`iop extract` replaces --out only when it is absent, empty or its own earlier output (its
manifest and nothing but the files it lists); anything else is refused with exit 2, one
plain line naming the path, and nothing touched: every file under the test's folder is
hashed before and after. One case per line; then a property test over random nested
layouts, and the same rule for `iop report`, `iop compare --html` and `--timings`.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import outdir, schemas, store
from pipeline.run import extract_archive, work
from tests.conftest import REPO, SEEDS

AGREEMENT = (SEEDS / "002_2b68fa102c319169.txt").read_text(encoding="utf-8")
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def iop(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, cwd=cwd, env=ENV, timeout=600)


def snapshot(root: Path) -> dict[str, str]:
    """Every entry under `root`, hidden ones too: a file's sha256, 'dir', or a link's target."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[key] = "link:" + os.readlink(path)
            elif path.is_dir():
                found[key] = "dir"
            else:
                found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def earlier_output(extra: dict[str, str] | None = None, listed: tuple[str, ...] = ()
                   ) -> dict[str, str | None]:
    """A folder as an earlier `iop extract` left it: its manifest and the files it lists."""
    names = ("documents.csv", "old-table.csv", *listed)
    manifest = {"tool": "iop extract", "files": {n: {"sha256": "0" * 64, "bytes": 1}
                                                 for n in names}}
    files: dict[str, str | None] = {"out/manifest.json": json.dumps(manifest),
                                    "out/documents.csv": "doc_id\n",
                                    "out/old-table.csv": "x\n"}
    return {**files, **(extra or {})}


def build(root: Path, layout: dict[str, str | None]) -> None:
    """path -> text (a file), None (a folder) or '->target' (a symlink)."""
    for rel, content in layout.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            path.mkdir(exist_ok=True)
        elif content.startswith("->"):
            path.symlink_to(content[2:])
        else:
            path.write_text(content, encoding="utf-8")


IN = {"in/avtal.txt": AGREEMENT}
REPORT = {"out/report.json": json.dumps({"tool": "iop report", "files": ["index.html"]}),
          "out/index.html": "<html></html>"}

# (case, layout, arguments, the message's words) -> exit 2, one line, nothing touched
REFUSED = [
    ("--out is the input folder", IN, ["in", "--out", "in"], "--out in is the input in"),
    ("--out holds the input folder", {"p3/raw/avtal.txt": AGREEMENT}, ["p3/raw", "--out", "p3"],
     "--out p3 holds the input p3/raw"),
    ("--out holds an input file", {"docs/avtal.txt": AGREEMENT},
     ["docs/avtal.txt", "--out", "docs"], "--out docs holds the input docs/avtal.txt"),
    ("--out is a link to the input", {**IN, "link": "->in"}, ["in", "--out", "link"],
     "--out link is the input in"),
    ("--out is a user's folder", {**IN, "mydocs/notes.txt": "mine", "mydocs/sub/x.txt": "x"},
     ["in", "--out", "mydocs"], "--out mydocs holds files iop did not write (notes.txt, sub/)"),
    ("--out holds only hidden files", {**IN, "mydocs/.keep": ""}, ["in", "--out", "mydocs"],
     "holds files iop did not write (.keep)"),
    ("--out is a file", {**IN, "existing.txt": "mine"}, ["in", "--out", "existing.txt"],
     "--out existing.txt is a file, not a folder"),
    ("--out under a file", {**IN, "existing.txt": "mine"}, ["in", "--out", "existing.txt/t"],
     "--out existing.txt/t cannot be made"),
    ("--out is a broken link", {**IN, "dangling": "->nowhere"}, ["in", "--out", "dangling"],
     "--out dangling is a broken symlink"),
    ("earlier output and a user's file", {**IN, **earlier_output({"out/notes.txt": "mine"})},
     ["in", "--out", "out"], "--out out holds files iop did not write (notes.txt) beside its "
     "earlier output"),
    ("--out is a report", {**IN, **REPORT}, ["in", "--out", "out"],
     "--out out holds the output of iop report"),
    ("a manifest that lists nothing", {**IN, "out/manifest.json": "{}", "out/a.csv": ""},
     ["in", "--out", "out"], "has a manifest.json that does not list its files"),
    ("--cache inside --out", IN, ["in", "--out", "out", "--cache", "out/cache"],
     "--cache out/cache is inside --out out"),
    ("--cache is --out", IN, ["in", "--out", "out", "--cache", "out"],
     "--cache out is inside --out out"),
    ("--timings is a user's file", {**IN, "notes.json": "{}"},
     ["in", "--out", "out", "--timings", "notes.json"],
     "--timings notes.json exists and was not written by iop"),
    ("--timings inside --out", IN, ["in", "--out", "out", "--timings", "out/t.json"],
     "--timings out/t.json is inside --out"),
    ("--timings is an input", IN, ["in/avtal.txt", "--out", "out", "--timings", "in/avtal.txt"],
     "--timings in/avtal.txt is the input in/avtal.txt"),
    ("no documents", {"in/notes.md": "# notes", "in/.hidden.pdf": "%PDF-1.7"},
     ["in", "--out", "out"], "no documents found under in (iop reads PDF, DOCX and TXT files"),
    ("an empty folder", {"in": None}, ["in", "--out", "out"], "no documents found under in"),
    ("--out is not UTF-8", IN, ["in", "--out", os.fsdecode(b"\xe5r")],
     "--out \\xe5r is not a valid UTF-8 path"),
]


@pytest.mark.parametrize("layout,args,words", [c[1:] for c in REFUSED],
                         ids=[c[0] for c in REFUSED])
def test_refused_layouts_touch_nothing(tmp_path, shared, layout, args, words):
    build(tmp_path, layout)
    before = snapshot(tmp_path)
    result = iop("extract", *args, "--workers", "1", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [result.stderr.strip()]  # one line
    assert result.stderr.startswith("iop extract: ") and words in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert snapshot(tmp_path) == before


def _outside(entries: dict[str, str], *folders: str) -> dict[str, str]:
    return {k: v for k, v in entries.items()
            if not any(k == f or k.startswith(f + "/") for f in folders)}


# (case, layout, arguments, where the tables land, the cache) -> exit 0, only --out and
# --cache changed, no hidden leftovers
ACCEPTED = [
    ("a new folder", IN, ["in", "--out", "out"], "out", None),
    ("an empty folder", {**IN, "out": None}, ["in", "--out", "out"], "out", None),
    ("the earlier output", {**IN, **earlier_output()}, ["in", "--out", "out"], "out", None),
    ("an earlier output missing a table", {**IN, **earlier_output(listed=("gone.csv",))},
     ["in", "--out", "out"], "out", None),
    ("--out inside the input", IN, ["in", "--out", "in/tables"], "in/tables", None),
    ("--out inside the input, read by a link", {**IN, "link": "->in"},
     ["link", "--out", "in/tables"], "in/tables", None),
    ("--cache inside the input", IN, ["in", "--out", "out", "--cache", "in/cache"], "out",
     "in/cache"),
    ("--out inside --cache", IN, ["in", "--out", "c/out", "--cache", "c"], "c/out", "c"),
]


@pytest.mark.parametrize("layout,args,tables,cache", [c[1:] for c in ACCEPTED],
                         ids=[c[0] for c in ACCEPTED])
def test_accepted_layouts_change_only_out_and_cache(tmp_path, shared, layout, args, tables,
                                                     cache):
    build(tmp_path, layout)
    before = snapshot(tmp_path)
    options = ["--cache", cache] if cache else ["--no-cache"]
    if "--cache" in args:
        options = []
    result = iop("extract", *args, *options, "--workers", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    after = snapshot(tmp_path)
    mine = [tables] + ([cache] if cache else [])
    assert _outside(after, *mine) == _outside(before, *mine)
    assert not [k for k in after if Path(k).name.startswith(".")]  # no hidden leftovers
    out = tmp_path / tables
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert written == set(manifest["files"]) | {"manifest.json"}
    assert {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_dir()} == \
        set(manifest["folders"])
    docs = pd.read_csv(out / "documents.csv", keep_default_na=False)
    assert list(docs["source"]) == ["avtal.txt"]  # the tables and the cache were not read


# ---- a property over random nested layouts -------------------------------------------------

NAMES = st.sampled_from(["a", "b", "c", "raw", "out", "x.txt", "y.pdf"])


def _folder(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.dictionaries(NAMES, children, min_size=0, max_size=3)


# a file ('doc': an agreement, 'file': notes) or a folder of up to three named entries
TREE = st.recursive(st.sampled_from(["file", "doc"]), _folder, max_leaves=8)


def _materialize(root: Path, tree) -> list[str]:
    """The tree on disk; every path in it (relative), folders and files."""
    made = []
    for name, child in tree.items():
        path = root / name
        if isinstance(child, dict):
            path.mkdir()
            made.append(name)
            made += [f"{name}/{p}" for p in _materialize(path, child)]
        else:
            path.write_text(AGREEMENT if child == "doc" else "notes", encoding="utf-8")
            made.append(name)
    return made


class InProcess:
    """The per-document work here, in the test process: what is under test is where the
    run writes, not the worker pool."""

    peak_rss = 0

    def map_unordered(self, tasks):
        for task in tasks:
            yield task, work(task)


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(tree=TREE, data=st.data())
def test_any_layout_keeps_what_iop_did_not_write(tree, data):
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setattr("pipeline.run.make_executor", lambda *args, **kwargs: InProcess())
        root = Path(tmp)
        paths = _materialize(root, tree if isinstance(tree, dict) else {"x.txt": tree})
        inputs = data.draw(st.lists(st.sampled_from(paths), min_size=1, max_size=2,
                                    unique=True)) if paths else []
        if not inputs:
            return
        out = data.draw(st.sampled_from(paths + ["new", "a/new", "raw/new/deeper"]))
        cache = data.draw(st.sampled_from([None, "cache", out + "/cache", "raw/cache"]))
        before = snapshot(root)
        real = {p: Path(os.path.realpath(root / p)) for p in [*inputs, out]}
        try:
            extract_archive([root / p for p in inputs], root / out,
                            root / cache if cache else None)
        except outdir.OutDirError:
            assert snapshot(root) == before  # refused: nothing touched
            was_free = out not in before or (before[out] == "dir" and not any(
                k.startswith(out + "/") for k in before))
            was_free &= all(before.get(a.as_posix(), "dir") == "dir"
                            for a in Path(out).parents if a != Path("."))
            above_input = any(real[p] == real[out] or real[p].is_relative_to(real[out])
                              for p in inputs)
            cache_inside = cache is not None and (cache == out or cache.startswith(out + "/"))
            assert not (was_free and not above_input and not cache_inside), (out, inputs)
            return
        after = snapshot(root)
        mine = [out] + ([cache] if cache else [])
        made = [a.as_posix() for p in mine for a in Path(p).parents  # folders made for them
                if a != Path(".") and a.as_posix() not in before]
        assert _outside(after, *mine, *made) == _outside(before, *mine)  # all else kept
        assert not [k for k in after if Path(k).name.startswith(".")]
        listed = json.loads((root / out / "manifest.json").read_text())["files"]
        written = {p.relative_to(root / out).as_posix() for p in (root / out).rglob("*")
                   if p.is_file()}
        assert written == set(listed) | {"manifest.json"}


# ---- publishing itself: only what the previous manifest lists is removed --------------------

def _tables(source: str) -> dict[str, pd.DataFrame]:
    frames = {name: schemas.frame(name, []) for name in schemas.TABLES}
    frames["documents"] = schemas.frame("documents", [{"doc_id": "a" * 64, "source": source,
                                                       "status": "ok"}])
    return frames


def test_a_file_added_while_a_run_works_is_kept(tmp_path, monkeypatch):
    """A file written into --out after the run checked it: publishing refuses at the swap
    (nothing lost), and the earlier tables stay."""
    out = store.write_tables(_tables("old.txt"), tmp_path / "out", {})
    real_publish = store.publish

    def user_writes_then_publish(staging, target, owner):
        (target / "notes.txt").write_text("mine")
        return real_publish(staging, target, owner)

    monkeypatch.setattr(store, "publish", user_writes_then_publish)
    with pytest.raises(outdir.OutDirError, match="notes.txt"):
        store.write_tables(_tables("new.txt"), out, {})
    assert (out / "notes.txt").read_text() == "mine"
    assert pd.read_csv(out / "documents.csv")["source"].tolist() == ["old.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no hidden leftovers


def test_only_listed_entries_are_removed_from_the_old_set(tmp_path):
    """What remains in a swapped-out set besides its listed files (written there in the
    instant before the swap) is moved into the new output, never deleted."""
    old, new = tmp_path / "old", tmp_path / "new"
    (old / "docs").mkdir(parents=True)
    (old / "docs" / "a.html").write_text("ours")
    (old / "index.html").write_text("ours")
    listed = {"docs", "docs/a.html", "index.html"}
    (old / "late.txt").write_text("theirs")
    new.mkdir()
    outdir.remove_listed(old, listed, new)
    assert not old.exists()
    assert (new / "late.txt").read_text() == "theirs"


# ---- the same rule for the report, compare --html and --timings -----------------------------

def _extracted(tmp_path: Path) -> Path:
    return store.write_tables(_tables("a.txt"), tmp_path / "tables", {})


# (case, what is at --out before, the message's words) -> exit 2, nothing touched
REPORT_REFUSED = [
    ("a user's folder", {"r/notes.txt": "mine"}, "--out r holds files iop did not write"),
    ("a file", {"r": "mine"}, "--out r is a file, not a folder"),
    ("the tables of iop extract", None, "holds the tables"),
    ("an older report", {"r/report.json": json.dumps({"files": 3}), "r/index.html": "x"},
     "has a report.json that does not list its files"),
]


@pytest.mark.parametrize("layout,words", [c[1:] for c in REPORT_REFUSED],
                         ids=[c[0] for c in REPORT_REFUSED])
def test_report_refuses_what_it_did_not_write(tmp_path, layout, words):
    tables = _extracted(tmp_path)
    out = "tables" if layout is None else "r"
    build(tmp_path, layout or {})
    before = snapshot(tmp_path)
    result = iop("report", "--tables", "tables", "--out", out, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("iop report: ") and words in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert snapshot(tmp_path) == before
    assert tables.exists()


def test_report_inside_the_tables_is_refused(tmp_path):
    _extracted(tmp_path)
    before = snapshot(tmp_path)
    result = iop("report", "--tables", "tables", "--out", "tables/report", cwd=tmp_path)
    assert result.returncode == 2 and "inside the tables folder" in result.stderr
    assert snapshot(tmp_path) == before


def test_report_replaces_its_own_earlier_report(tmp_path):
    _extracted(tmp_path)
    first = iop("report", "--tables", "tables", "--out", "r", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    listed = json.loads((tmp_path / "r" / "report.json").read_text())["files"]
    assert "index.html" in listed
    again = iop("report", "--tables", "tables", "--out", "r", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


PAIR = [str(SEEDS / "000_d3bc919bb2a10656.txt"), str(SEEDS / "001_088b6c7d61ba9907.txt")]

# (case, what is at --html before, the message's words) -> exit 2, nothing touched
HTML_REFUSED = [
    ("a user's page", {"page.html": "<html>mine</html>"}, "page.html",
     "--html page.html exists and was not written by iop"),
    ("a folder", {"page.html/x": "mine"}, "page.html", "--html page.html is a folder"),
    ("inside the tables", None, "tables/page.html", "the output of iop extract"),
]


@pytest.mark.parametrize("layout,target,words", [c[1:] for c in HTML_REFUSED],
                         ids=[c[0] for c in HTML_REFUSED])
def test_compare_html_refuses_what_it_did_not_write(tmp_path, shared, layout, target, words):
    if layout is None:
        _extracted(tmp_path)
    build(tmp_path, layout or {})
    before = snapshot(tmp_path)
    result = iop("compare", *PAIR, "--html", target, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("iop compare: ") and words in result.stderr
    assert snapshot(tmp_path) == before


def test_compare_html_replaces_its_own_page(tmp_path, shared):
    for _ in range(2):
        result = iop("compare", *PAIR, "--html", "page.html", cwd=tmp_path)
        assert result.returncode == 1, result.stderr  # the drafts differ
    assert outdir.COMPARE_MARK in (tmp_path / "page.html").read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_compare_html_refuses_an_input(tmp_path, shared):
    old = tmp_path / "old.txt"
    old.write_text(AGREEMENT, encoding="utf-8")
    before = snapshot(tmp_path)
    result = iop("compare", str(old), PAIR[0], "--html", str(old), cwd=tmp_path)
    assert result.returncode == 2 and "is the input" in result.stderr
    assert snapshot(tmp_path) == before
