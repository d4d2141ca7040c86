"""Importing this module builds the extraction pipeline (spaCy and our components) and
warms it up.

Worker processes are forked from a fork server that imports it once (pipeline.run's
WORKER_PRELOAD), so every worker starts with the model built instead of loading spaCy
on its first file. It also runs one small agreement (lang/sv/warmup.txt) through every
per-document stage: the patterns, their prefilters and the prefix automaton, dateparser's
Swedish data and the other caches that are built on first use (~0.2 s) are then built
once in the fork server, not again in each worker.
"""

from pipeline.extract import nlp
from pipeline.lang import DATA
from pipeline.process import process
from pipeline.records import Document, Page

nlp()
process(Document(doc_id="warmup", source="warmup.txt", format="txt",
                 pages=[Page(number=1, text=(DATA / "warmup.txt").read_text(encoding="utf-8"))]))
