"""Importing this module builds the extraction pipeline (spaCy and our components).

Worker processes are forked from a fork server that imports it once (pipeline.run's
WORKER_PRELOAD), so every worker starts with the model built instead of loading spaCy
on its first file.
"""

from pipeline.extract import nlp

nlp()
