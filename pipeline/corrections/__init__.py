"""Analyst corrections: plain files under the archive that every run applies.

model.py says what a correction is, folder.py where a run finds the files, files.py reads
and writes them (TOML), apply.py applies them to a document's facts and to the flags (pure
functions), outcome.py turns what became of them into the corrections table and warnings,
author.py finds the fact a command names and writes the entry (`iop correct`), check.py
is the dry run (`iop corrections check`), gold.py writes corrected documents as gold files
(`iop corrections export-gold`). Nothing is imported here: the up-to-date check imports
folder.py alone, before pandas.
"""
