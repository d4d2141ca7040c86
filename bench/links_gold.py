"""Links found against the links gold files imply: right / missing / extra per relation.

The gold's `proposes` (a file or a list), `draft_of` and `amends` keys name the expected
links; score.py does not read them. Several gold folders may be given (the dev texts and
their renderings in one run): a rendering (`d02_x.pdf`, `d04_x-scan.pdf`) is then the same
document as the text whose stem it starts with, so a link to either end holds for every
rendering of it, and each rendering is expected `same_as` the text.

Usage: .venv/bin/python bench/links_gold.py OUT_DIR GOLD_DIR [GOLD_DIR ...]
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd

RELATIONS = ("proposes", "draft_of", "amends", "same_as")


def _stem(source: str) -> str:
    """The text document a file renders: 'd04_a-b-2024-scan.pdf' -> 'd04'."""
    return Path(source).name.split("_", 1)[0]


def expected_links(gold_dirs: list[Path], sources: set[str]) -> set[tuple[str, str, str]]:
    """(doc, related, relation) by file name for every file in `sources`."""
    family: dict[str, set[str]] = defaultdict(set)
    for source in sources:
        family[_stem(source)].add(source)
    wanted: set[tuple[str, str, str]] = set()
    for folder in gold_dirs:
        for path in sorted(folder.glob("*.json")):
            gold = json.loads(path.read_text(encoding="utf-8"))
            if gold.get("source") not in sources:
                continue
            for relation in ("proposes", "draft_of", "amends"):
                targets = gold.get(relation) or []
                for target in [targets] if isinstance(targets, str) else targets:
                    for a in family[_stem(gold["source"])]:
                        for b in family[_stem(target)]:
                            wanted.add((a, b, relation))
    for members in family.values():
        ordered = sorted(members)
        wanted |= {(a, b, "same_as") for i, a in enumerate(ordered) for b in ordered[i + 1:]}
    return wanted


def found_links(out: Path) -> tuple[set[tuple[str, str, str]], set[str]]:
    docs = pd.read_csv(out / "documents.csv", keep_default_na=False)
    links = pd.read_csv(out / "links.csv", keep_default_na=False)
    name = dict(zip(docs["doc_id"], docs["source"].map(lambda s: Path(s).name), strict=True))
    found = set()
    for a, b, relation in zip(links["doc_id"], links["related_doc_id"], links["relation"],
                              strict=True):
        pair = (name[a], name[b])
        if relation == "same_as":
            pair = tuple(sorted(pair))
        found.add((*pair, relation))
    return found, set(name.values())


def count(out: Path, gold_dirs: list[Path]) -> dict[str, dict[str, list]]:
    """{relation: {"right": [...], "missing": [...], "extra": [...]}}"""
    found, sources = found_links(out)
    wanted = expected_links(gold_dirs, sources)
    result = {}
    for relation in RELATIONS:
        f = {x for x in found if x[2] == relation}
        w = {x for x in wanted if x[2] == relation}
        result[relation] = {"right": sorted(f & w), "missing": sorted(w - f),
                            "extra": sorted(f - w)}
    return result


def main(argv: list[str]) -> int:
    out, gold_dirs = Path(argv[0]), [Path(a) for a in argv[1:]]
    result = count(out, gold_dirs)
    for relation, parts in result.items():
        print(f"{relation:9s} right {len(parts['right']):3d}  missing {len(parts['missing']):3d}"
              f"  extra {len(parts['extra']):3d}")
        for kind in ("missing", "extra"):
            for a, b, _ in parts[kind]:
                print(f"    {kind}: {a} -> {b}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
