"""Benchmark: the report of a large archive — build time, size, and load time in chromium.

Synthetic tables (documents with two pages of text each, amounts, parties, periods,
signatories, memo -> agreement links, flags with evidence) are written with the real
store, the report is built with the real builder, and headless Debian chromium opens
its pages from disk and reports the browser's own navigation timing.

    .venv/bin/python bench/report_scale.py --docs 10000

Results are printed and written to data/bench/report_scale.json.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline import schemas, store

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "data" / "bench"

PAYERS = ["Linköpings kommun", "Norrköpings kommun", "Region Östergötland", "Motala kommun",
          "Mjölby kommun", "Finspångs kommun"]
PAYEES = ["Linköpings Stadsmission", "Föreningen Hopp", "Domkyrkopastoratet", "Röda Korset",
          "Hjärta till hjärta", "Fryshuset", "Kvinnojouren", "Idrottsföreningen"]
FILLER = ("Parterna ska gemensamt följa upp verksamheten och dess resultat. Föreningen "
          "ansvarar för att verksamheten bedrivs enligt överenskommelsen och redovisar "
          "årligen hur medlen har använts. Kommunen bidrar med kunskap om målgruppen och "
          "lokaler när så behövs. ")


def synthetic_rows(n_docs: int, seed: int = 1) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    rows: dict[str, list[dict]] = {name: [] for name in schemas.TABLES}
    stated_total: dict[str, dict] = {}
    for i in range(n_docs):
        doc_id = f"{i:064x}"
        kind = "memo" if i % 2 else "agreement"
        payer, payee = rng.choice(PAYERS), rng.choice(PAYEES)
        year = rng.randint(2016, 2025)
        parts = [rng.randrange(50, 900) * 1000 for _ in range(rng.randint(2, 3))]
        total = sum(parts) if rng.random() > 0.2 else sum(parts) + 10_000
        page1 = (f"Idéburet offentligt partnerskap {i}\n\nParter: {payer}, org.nr 212000-0449, "
                 f"och {payee}, org.nr 802000-{i % 10000:04d}.\n\n" + FILLER * 6 + "\n\n")
        amounts = []
        stated = [("total", total)] + [("contribution", v) for v in parts]
        for n, (role, value) in enumerate(stated):
            money = f"{value:,}".replace(",", " ") + " kr"
            page1 += f"{'Ekonomisk omfattning' if role == 'total' else 'Bidrag'}: {money}. "
            start = page1.rindex(money)
            amounts.append({
                "doc_id": doc_id, "amount_sek": value, "payer": payer, "payee": payee,
                "basis": "per_year", "in_kind": False, "role": role, "amount_id": f"a{n + 1}",
                "part_of": "a1" if n else "",
                "period_start": f"{year}-01-01", "period_end": f"{year}-12-31", "page": 1,
                "char_start": start, "char_end": start + len(money), "quote": money,
                "rule_id": "amount.bench"})
        term = f"från och med {year}-01-01 till och med {year}-12-31"
        page2 = (FILLER * 8 + f"\n\nÖverenskommelsen gäller {term}.\n\n"
                 f"Linköping {year - 1}-12-01\nAnna Andersson\nBertil Berg\n")
        rows["documents"].append({"doc_id": doc_id, "source": f"arkiv/{year}/dok-{i:05d}.pdf",
                                  "format": "pdf", "kind": kind, "status": "ok", "pages": 2,
                                  "title": f"Överenskommelse om IOP {i} med {payee}"})
        rows["pages"] += [{"doc_id": doc_id, "page": 1, "text": page1, "ocr": False},
                          {"doc_id": doc_id, "page": 2, "text": page2, "ocr": False}]
        rows["amounts"] += amounts
        stated_total[doc_id] = amounts[0]
        for name, offset in ((payer, page1.index(payer)), (payee, page1.index(payee))):
            rows["parties"].append({"doc_id": doc_id, "name": name, "role": "party",
                                    "sector": "unknown", "page": 1, "char_start": offset,
                                    "char_end": offset + len(name), "quote": name,
                                    "rule_id": "party.bench"})
        start = page2.index(term)
        rows["periods"].append({"doc_id": doc_id, "kind": "term", "start_date": f"{year}-01-01",
                                "end_date": f"{year}-12-31", "months": 12, "page": 2,
                                "char_start": start, "char_end": start + len(term),
                                "quote": term, "rule_id": "period.bench"})
        for person in ("Anna Andersson", "Bertil Berg"):
            start = page2.index(person)
            rows["signatories"].append({"doc_id": doc_id, "person": person, "page": 2,
                                        "char_start": start, "char_end": start + len(person),
                                        "quote": person, "rule_id": "signature.bench"})
        if kind == "memo":
            agreement = f"{i - 1:064x}"
            rows["links"].append({"doc_id": doc_id, "related_doc_id": agreement,
                                  "relation": "proposes", "score": 0.9})
            theirs = stated_total[agreement]
            evidence = [{k: a[k] for k in ("doc_id", "page", "char_start", "char_end", "quote")}
                        | {"table": "amounts", "value": a["amount_sek"]}
                        for a in (theirs, amounts[0])]
            if rng.random() < 0.5:
                rows["flags"].append({
                    "code": "MEMO_AGREEMENT_MISMATCH", "severity": "error", "doc_id": agreement,
                    "related_doc_id": doc_id, "rule_id": "bench",
                    "message": f"Tjänsteskrivelsen anger {amounts[0]['quote']} men "
                               f"överenskommelsen {theirs['quote']}.",
                    "evidence": json.dumps(evidence, ensure_ascii=False)})
        if total != sum(parts):
            rows["flags"].append({
                "code": "SUM_MISMATCH", "severity": "warning", "doc_id": doc_id,
                "related_doc_id": "", "rule_id": "bench",
                "message": f"Delarna summerar till {sum(parts)} kr, inte {total} kr.",
                "evidence": json.dumps([{k: amounts[0][k] for k in
                                         ("doc_id", "page", "char_start", "char_end", "quote")}
                                        | {"table": "amounts", "value": total}])})
    return rows


def load_times(report: Path, pages: list[str], repeats: int) -> dict[str, dict]:
    """Median navigation timing per page (ms), read from the browser's Performance API."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    profile = tempfile.mkdtemp(prefix="bench-chromium-")
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage", "--window-size=1280,900", f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    timing = ("const t = performance.getEntriesByType('navigation')[0];"
              "return [t.domContentLoadedEventEnd, t.loadEventEnd, t.transferSize,"
              " document.getElementsByTagName('*').length];")
    results = {}
    try:
        for name in pages:
            loads, ready = [], []
            for _ in range(repeats):
                driver.get("about:blank")
                started = time.perf_counter()
                driver.get((report / name).as_uri())
                wall = (time.perf_counter() - started) * 1000
                dom, load, _, elements = driver.execute_script(timing)
                ready.append(dom)
                loads.append(max(load, 0) or wall)
            results[name] = {"load_ms": round(statistics.median(loads)),
                             "dom_ready_ms": round(statistics.median(ready)),
                             "elements": elements,
                             "bytes": (report / name).stat().st_size}
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--page-size", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    tables_dir, report_dir = WORK / "report-tables", WORK / "report"
    started = time.perf_counter()
    rows = synthetic_rows(args.docs)
    frames = {name: schemas.frame(name, rows[name]) for name in schemas.TABLES}
    store.write_tables(frames, tables_dir, {"bench": "report_scale"})
    tables_s = time.perf_counter() - started

    # A fresh build: deleting a previous 15 000-file report is the file system's cost, not ours.
    shutil.rmtree(report_dir, ignore_errors=True)
    # `iop report` as a user runs it, in its own process: wall time, CPU time, peak memory.
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", "report", "--tables", str(tables_dir),
                    "--out", str(report_dir), "--page-size", str(args.page_size)],
                   check=True, cwd=ROOT)
    build_s = time.perf_counter() - started
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    build_cpu_s, peak_mib = child.ru_utime + child.ru_stime, child.ru_maxrss / 1024
    meta = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))

    files = [p for p in report_dir.rglob("*") if p.is_file()]
    doc_pages = sorted((report_dir / "docs").glob("*.html"))
    largest = max(files, key=lambda p: p.stat().st_size)
    last_documents = max(report_dir.glob("documents-*.html"),
                         key=lambda p: int(p.stem.split("-")[1])).name
    probe = ["index.html", "flags-1.html", "documents-1.html", last_documents,
             f"docs/{doc_pages[len(doc_pages) // 2].name}"]
    if rows["links"]:
        probe.append(next((report_dir / "compare").glob("*.html")).relative_to(report_dir)
                     .as_posix())
    result = {
        "documents": meta["documents"], "flags": meta["flags"],
        "comparisons": len(list((report_dir / "compare").glob("*.html"))),
        "page_size": args.page_size,
        "tables_written_s": round(tables_s, 1), "report_built_s": round(build_s, 1),
        "report_built_cpu_s": round(build_cpu_s, 1),
        "report_peak_memory_mib": round(peak_mib),
        "files": len(files), "total_mib": round(sum(p.stat().st_size for p in files) / 2**20, 1),
        "largest_file": {"name": largest.relative_to(report_dir).as_posix(),
                         "kib": round(largest.stat().st_size / 1024, 1)},
        "mean_document_page_kib": round(
            sum(p.stat().st_size for p in doc_pages) / len(doc_pages) / 1024, 1),
        "load_in_chromium": load_times(report_dir, probe, args.repeats),
    }
    out = WORK / "report_scale.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
