"""`make bench`: how fast `iop extract` reads an archive, against the approaches it replaces.

    python bench/run_bench.py [--n 1000] [--big 10000] [--sample 50] [--no-dask]
    python bench/run_bench.py --only memory [--n 1000] [--big 10000]

Runs, on synthetic archives from bench/generate_archive.py (under data/bench/, gitignored):
- naive: bench/naive_baseline.py (pdfplumber + dateparser.search_dates + a regex, one file
  after another) on an even sample of --sample documents (half PDF, half TXT); its seconds
  per document are extrapolated to the archive (it would take minutes to run in full).
- pdftotext (poppler) on every PDF of the archive, one process per file, one file after
  another and --cores at a time; skipped with a message when poppler-utils is missing.
- iop cold (empty cache), iop warm (same archive and --out again: nothing to write), iop
  warm with one file touched (re-hashed, tables written again), iop on the PDFs alone (pages/s
  against pdftotext), iop cold on the --big archive (peak memory against --n), and iop
  with --executor dask on a LocalCluster of --cores one-thread workers.
Every iop run is a subprocess of the real command; the benchmark samples the memory of its
whole process tree (PSS: shared pages counted once) and reads its --timings file. Other
work on the machine slows every column; the load average is printed with the table.
`--only memory` runs just the two cold runs the memory target compares (--n and --big
documents) and prints their peaks and ratio.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import generate_archive  # noqa: E402

MiB = 2**20


class TreeMonitor:
    """Peak memory and CPU time of a process and all its descendants, sampled every 50 ms.

    PSS counts a page shared by forked workers once, so the sum is what the run costs the
    machine; RSS of the parent alone is reported beside it (from the run's own getrusage).
    CPU is each process's user+system time as last seen (iop's workers are children of a
    fork server, so the parent's getrusage does not include them).
    """

    def __init__(self, pid: int):
        self.root = psutil.Process(pid)
        self.peak_pss = 0
        self.cpu: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.stop.is_set():
            total = 0
            try:
                processes = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            for proc in processes:
                try:
                    total += proc.memory_full_info().pss
                    times = proc.cpu_times()
                    self.cpu[proc.pid] = times.user + times.system
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            self.peak_pss = max(self.peak_pss, total)
            self.stop.wait(0.05)

    def finish(self) -> tuple[int, float]:
        self.stop.set()
        self.thread.join()
        return self.peak_pss, sum(self.cpu.values())


def run_iop(args: list[str], label: str, docs: int, pages: int) -> dict:
    """Run `iop extract ARGS --timings ...` as a user would; wall time, stages, peak memory."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        timings = Path(handle.name)
    command = [sys.executable, "-m", "pipeline", "extract", *args, "--timings", str(timings)]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    monitor = TreeMonitor(process.pid)
    out, err = process.communicate()
    wall = time.perf_counter() - start
    peak, cpu = monitor.finish()  # Dask workers belong to the cluster: not counted
    if process.returncode not in (0, 3):
        raise SystemExit(f"{label}: iop failed ({process.returncode}):\n{err[-2000:]}")
    report = json.loads(timings.read_text())
    timings.unlink()
    return {"label": label, "docs": docs, "pages": pages, "wall_s": wall, "cpu_s": cpu,
            "stages_s": report["stages_s"], "peak_pss": peak,
            "parent_rss": report["peak_rss_bytes"]["parent"], "processed": report["processed"],
            "cached": report["cached"], "failed": report["failed"], "summary": out.strip()}


def truths(archive: Path) -> list[dict]:
    path = archive.with_name(archive.name + ".truth.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def pdf_view(archive: Path, facts: list[dict]) -> Path:
    """The archive's PDFs alone, as hard links (no copy), for the per-page comparison."""
    view = archive.with_name(archive.name + "-pdf")
    for fact in facts:
        if fact["format"] == "pdf":
            target = view / fact["source"]
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(archive / fact["source"], target)
    return view


def pdftotext(files: list[Path], jobs: int) -> tuple[float, float] | None:
    """(wall seconds, CPU seconds) for pdftotext over the files, `jobs` at a time."""
    if not shutil.which("pdftotext"):
        return None

    def one(path: Path) -> None:
        subprocess.run(["pdftotext", str(path), "-"], stdout=subprocess.DEVNULL, check=True)

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    if jobs == 1:
        for path in files:
            one(path)
    else:
        with ThreadPoolExecutor(jobs) as pool:
            list(pool.map(one, files))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (time.perf_counter() - start,
            after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)


def naive(files: list[Path]) -> dict[str, float]:
    """The naive script on a sample, in a fresh interpreter: its one-off import seconds and
    its seconds per document (wall and CPU), to extrapolate to the whole archive."""
    code = ("import sys, json, pathlib; sys.path.insert(0, sys.argv[1]);"
            "import naive_baseline as n; files = [pathlib.Path(p) for p in sys.argv[3:]];"
            "print(json.dumps(n.run(files, pathlib.Path(sys.argv[2]))))")
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run([sys.executable, "-c", code, str(BENCH), f"{tmp}/naive.csv",
                                 *map(str, files)], capture_output=True, text=True, check=True)
    seconds = json.loads(result.stdout.strip().splitlines()[-1])
    return {"import_s": seconds["import_s"], "import_cpu_s": seconds["import_cpu_s"],
            "per_doc_s": seconds["files_s"] / len(files),
            "per_doc_cpu_s": seconds["files_cpu_s"] / len(files)}


def sample(facts: list[dict], archive: Path, size: int) -> list[Path]:
    """An even sample: every k-th PDF and every k-th TXT, half of each."""
    out = []
    for fmt in ("pdf", "txt"):
        of_format = [f for f in facts if f["format"] == fmt]
        step = max(1, len(of_format) // max(1, size // 2))
        out += [archive / f["source"] for f in of_format[::step][: size // 2]]
    return out


def recall(out: Path, facts: list[dict]) -> dict[str, float]:
    """Share of the generator's known amounts and org numbers that iop found."""
    with open(out / "documents.csv", encoding="utf-8") as handle:
        source_of = {row["doc_id"]: row["source"] for row in csv.DictReader(handle)}
    found: dict[str, Counter] = {"amounts": Counter(), "parties": Counter()}
    for table, column in (("amounts", "amount_sek"), ("parties", "org_number")):
        with open(out / f"{table}.csv", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                found[table][(source_of.get(row["doc_id"]), row[column])] += 1
    expected = {"amounts": Counter(), "parties": Counter()}
    for fact in facts:
        for value in fact["amounts"]:
            expected["amounts"][(fact["source"], str(value))] += 1
        for party in fact["parties"]:
            expected["parties"][(fact["source"], party["org_number"])] += 1
    return {table: sum((expected[table] & found[table]).values()) / sum(expected[table].values())
            for table in expected}


def dask_run(archive: Path, work: Path, cores: int, docs: int, pages: int) -> dict | None:
    try:
        from distributed import LocalCluster
    except ImportError:
        return None
    with LocalCluster(n_workers=cores, threads_per_worker=1, processes=True,
                      dashboard_address=None, host="127.0.0.1", silence_logs=40) as cluster:
        return run_iop([str(archive), "--out", str(work / "out-dask"), "--cache",
                        str(work / "cache-dask"), "--executor", "dask", "--scheduler",
                        cluster.scheduler_address], "iop cold, dask", docs, pages)


def row(result: dict) -> list[str]:
    stages = result["stages_s"]
    return [result["label"], str(result["docs"]), f"{result['wall_s']:.1f}",
            f"{result['cpu_s']:.1f}",
            f"{result['docs'] / result['wall_s']:.1f}", f"{result['pages'] / result['wall_s']:.0f}",
            *(f"{stages.get(s + '_cpu', 0):.1f}" for s in ("ingest", "normalize", "extract",
                                                           "check", "write")),
            f"{result['peak_pss'] / MiB:.0f}", f"{result['parent_rss'] / MiB:.0f}",
            str(result["processed"])]


def table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "  ".join(c.rjust(w) if i else c.ljust(w)  # noqa: E731
                                   for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


HEADER = ["run", "docs", "wall s", "CPU s", "docs/s", "pages/s", "ingest", "normalize",
          "extract", "check", "write", "peak MiB", "parent MiB", "read"]


def memory_ratio(small: dict, big: dict) -> str:
    return (f"peak memory, {big['docs']} vs {small['docs']} documents: "
            f"{big['peak_pss'] / MiB:.0f} vs {small['peak_pss'] / MiB:.0f} MiB (tree PSS) = "
            f"{big['peak_pss'] / small['peak_pss']:.2f}x; parent alone "
            f"{big['parent_rss'] / MiB:.0f} vs {small['parent_rss'] / MiB:.0f} MiB = "
            f"{big['parent_rss'] / small['parent_rss']:.2f}x")


def memory_only(args: argparse.Namespace) -> None:
    """The cold runs of --n and --big documents, one after the other (each with an empty
    cache, as in the full benchmark)."""
    load_before = os.getloadavg()
    runs = []
    work = Path(tempfile.mkdtemp(prefix="iop-bench-", dir=args.data))
    try:
        for docs, label in ((args.n, "iop cold"), (args.big, "iop cold, big archive")):
            archive = args.data / f"archive-{docs}"
            print(f"generating {archive} and reading it (memory) ...", flush=True)
            generate_archive.generate(docs, archive)
            pages = sum(f["pages"] for f in truths(archive))
            runs.append(run_iop([str(archive), "--out", str(work / f"out-{docs}"), "--cache",
                                 str(work / f"cache-{docs}")], label, docs, pages))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"iop memory benchmark: {args.cores} cores, load average {load_before[0]:.1f} "
          f"before / {os.getloadavg()[0]:.1f} after; peak MiB: PSS of the whole process tree; "
          "parent MiB: its peak RSS")
    print()
    print(table([row(r) for r in runs], HEADER))
    print()
    print(memory_ratio(*runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="documents in the main archive")
    parser.add_argument("--big", type=int, default=10000,
                        help="documents in the memory run (0: skip)")
    parser.add_argument("--sample", type=int, default=50, help="documents the naive script reads")
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster run")
    parser.add_argument("--data", type=Path, default=REPO / "data" / "bench")
    parser.add_argument("--only", choices=["memory"],
                        help="memory: only the cold --n and --big runs and their peak ratio")
    args = parser.parse_args()
    if args.only == "memory":
        memory_only(args)
        return

    load_before = os.getloadavg()
    archive = args.data / f"archive-{args.n}"
    print(f"generating {archive} ...", flush=True)
    generate_archive.generate(args.n, archive)
    facts = truths(archive)
    pages = sum(f["pages"] for f in facts)
    pdfs = [archive / f["source"] for f in facts if f["format"] == "pdf"]
    pdf_pages = sum(f["pages"] for f in facts if f["format"] == "pdf")
    work = Path(tempfile.mkdtemp(prefix="iop-bench-", dir=args.data))
    results: dict = {"cores": args.cores, "n": args.n}
    try:
        print("naive baseline on a sample ...", flush=True)
        naive_s = naive(sample(facts, archive, args.sample))
        print("pdftotext ...", flush=True)
        poppler_serial = pdftotext(pdfs, 1)
        poppler_parallel = pdftotext(pdfs, args.cores)
        print("iop cold, warm, PDFs only ...", flush=True)
        cold = run_iop([str(archive), "--out", str(work / "out"), "--cache",
                        str(work / "cache")], "iop cold", args.n, pages)
        # a re-run as a user makes it: same --out; nothing changed, then one file touched
        # (its stat changed: hashed again, found in the cache, the tables written again)
        warm = run_iop([str(archive), "--out", str(work / "out"), "--cache",
                        str(work / "cache")], "iop warm (nothing changed)", args.n, pages)
        touched = archive / facts[0]["source"]
        os.utime(touched, ns=(touched.stat().st_atime_ns, time.time_ns()))
        warm_touched = run_iop([str(archive), "--out", str(work / "out"), "--cache",
                                str(work / "cache")], "iop warm (one file touched)", args.n,
                               pages)
        pdf_only = run_iop([str(pdf_view(archive, facts)), "--out", str(work / "out-pdf"),
                            "--no-cache"], "iop cold, PDFs only", len(pdfs), pdf_pages)
        runs = [cold, warm, warm_touched, pdf_only]
        found = recall(work / "out", facts)
        if not args.no_dask:
            print("iop on a Dask LocalCluster ...", flush=True)
            on_dask = dask_run(archive, work, args.cores, args.n, pages)
            if on_dask:
                runs.append(on_dask)
        big = None
        if args.big:
            big_archive = args.data / f"archive-{args.big}"
            print(f"generating {big_archive} and reading it (memory) ...", flush=True)
            generate_archive.generate(args.big, big_archive)
            big_pages = sum(f["pages"] for f in truths(big_archive))
            big = run_iop([str(big_archive), "--out", str(work / "out-big"), "--cache",
                           str(work / "cache-big")], "iop cold, big archive", args.big,
                          big_pages)
            runs.append(big)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"iop benchmark: {args.n} documents ({len(pdfs)} PDF of 4-7 pages, "
          f"{args.n - len(pdfs)} TXT; {pages} pages), {args.cores} cores, load average "
          f"{load_before[0]:.1f} before / {os.getloadavg()[0]:.1f} after")
    print("CPU s: user+system of iop and its workers (Dask workers are the cluster's and not "
          "counted); ingest..write: CPU seconds per stage, ingest/normalize/extract added over "
          "all documents in the workers, check/write in the parent; peak MiB: PSS of the whole "
          "process tree; parent MiB: its peak RSS; read: files sent to workers")
    print()
    print(table([row(r) for r in runs], HEADER))
    naive_total = naive_s["import_s"] + naive_s["per_doc_s"] * args.n
    naive_cpu = naive_s["import_cpu_s"] + naive_s["per_doc_cpu_s"] * args.n
    print()
    print(f"naive script (pdfplumber + search_dates + regex) on a {args.sample}-document "
          f"sample: {naive_s['per_doc_s']:.3f} s/doc ({naive_s['per_doc_cpu_s']:.3f} s CPU) + "
          f"{naive_s['import_s']:.1f} s imports -> {naive_total:.0f} s for {args.n} "
          f"(extrapolated)")
    print(f"iop cold vs naive: {naive_total / cold['wall_s']:.1f}x faster (wall clock); "
          f"{naive_cpu / cold['cpu_s']:.1f}x less CPU time (the naive script uses one core)")
    if poppler_serial is None:
        print("pdftotext: not installed (apt-get install poppler-utils); column skipped")
    else:
        iop_page = pdf_only["wall_s"] / pdf_pages
        for name, (seconds, _cpu) in (("one at a time", poppler_serial),
                                      (f"{args.cores} at a time", poppler_parallel)):
            per_page = seconds / pdf_pages
            print(f"pdftotext, {name}: {1000 * per_page:.2f} ms/page; iop (full pipeline, "
                  f"{args.cores} workers) {1000 * iop_page:.2f} ms/page = "
                  f"{iop_page / per_page:.2f}x pdftotext's time")
        cpu_page, iop_cpu_page = poppler_serial[1] / pdf_pages, pdf_only["cpu_s"] / pdf_pages
        print(f"CPU per page: pdftotext {1000 * cpu_page:.2f} ms, iop {1000 * iop_cpu_page:.2f} "
              f"ms = {iop_cpu_page / cpu_page:.2f}x")
    print(f"warm run: {warm['wall_s']:.2f} s = {100 * warm['wall_s'] / cold['wall_s']:.1f}% of "
          f"cold; files read again: {warm['processed']} (tables in --out up to date: nothing "
          f"written)")
    print(f"warm run, one file touched: {warm_touched['wall_s']:.2f} s = "
          f"{100 * warm_touched['wall_s'] / cold['wall_s']:.1f}% of cold; files read again: "
          f"{warm_touched['processed']}, hashed: the touched one; tables written again")
    if big:
        print(memory_ratio(cold, big))
    for on_dask in (r for r in runs if r["label"].endswith("dask")):
        print(f"dask LocalCluster ({args.cores} workers x 1 thread) vs local --workers: "
              f"{on_dask['wall_s']:.1f} vs {cold['wall_s']:.1f} s")
    print(f"facts found (known from the generator): amounts {found['amounts']:.1%}, "
          f"org numbers {found['parties']:.1%}")
    results.update({"runs": runs, "naive": naive_s,
                    "pdftotext_serial_s": poppler_serial,
                    "pdftotext_parallel_s": poppler_parallel, "pdf_pages": pdf_pages,
                    "recall": found, "load_before": load_before, "load_after": os.getloadavg()})
    (args.data / "results.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
