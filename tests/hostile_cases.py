"""Hostile inputs made at test time: DOCX traps and file-system oddities.

They are not stored in ../shared because they upset tools and git (FIFOs, symlink loops,
file names with a newline or invalid UTF-8, a 300 MiB zip bomb).
"""

from __future__ import annotations

import io
import os
import shutil
import unicodedata
import zipfile
from pathlib import Path

from tests.conftest import FIXTURES, SEEDS, SHARED

CORPUS = SHARED / "corpus"
DOCX = FIXTURES / "agreement-biv-2023.docx"
CONTROL_TEXT = (CORPUS / "hostile-texts" / "txt-control-utf8.txt").read_text(encoding="utf-8")


def docx_parts(path: Path = DOCX) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_zip(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def mark_zip_encrypted(path: Path) -> None:
    """Set the 'encrypted' bit of every entry, as a ZIP-level password sets it (zipfile
    cannot write encrypted entries): in each local header (offset 6) and central
    directory entry (offset 8)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            data[info.header_offset + 6] |= 0x1
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        data[position + 8] |= 0x1
        position = data.find(b"PK\x01\x02", position + 4)
    path.write_bytes(bytes(data))


def zip_bomb(path: Path, unpacked_mib: int = 300) -> None:
    """A DOCX whose document.xml unpacks to 300 MiB (about 300 KiB packed)."""
    parts = docx_parts()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            if name != "word/document.xml":
                archive.writestr(name, data)
        with archive.open("word/document.xml", "w") as handle:
            handle.write(parts["word/document.xml"][:-30])
            block = b" " * 2**20
            for _ in range(unpacked_mib):
                handle.write(block)


def billion_laughs(path: Path) -> None:
    """Entity expansion in document.xml (lxml refuses the amplification)."""
    parts = docx_parts()
    xml = parts["word/document.xml"].decode("utf-8")
    entities = '<!ENTITY a "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    head = xml.index("?>") + 2
    xml = xml[:head] + f"<!DOCTYPE w:document [{entities}]>" + xml[head:]
    parts["word/document.xml"] = xml.replace("<w:t>", "<w:t>&j;", 1).encode("utf-8")
    write_zip(path, parts)


def password_docx(path: Path) -> None:
    """A real password-protected DOCX (ECMA-376 agile encryption, as Word writes it)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(DOCX, "rb") as plain, open(path, "wb") as out:
        OOXMLFile(plain).encrypt("hemligt", out)


def unique_text(label: str) -> str:
    """The control text with a line of its own, so copies are not DUPLICATEs of each other."""
    return f"{CONTROL_TEXT}Dokument: {label}\n"


def build_own_cases(own: Path) -> None:
    """DOCX traps and texts that once made extraction quadratic."""
    own.mkdir(parents=True)
    zip_bomb(own / "docx-zip-bomb.docx")
    (own / "docx-not-a-zip.docx").write_text(unique_text("inte en zip"), encoding="utf-8")
    password_docx(own / "docx-password.docx")
    shutil.copy(DOCX, own / "docx-zip-encrypted.docx")
    mark_zip_encrypted(own / "docx-zip-encrypted.docx")
    (own / "docx-truncated.docx").write_bytes(DOCX.read_bytes()[: DOCX.stat().st_size // 2])
    billion_laughs(own / "docx-billion-laughs.docx")
    write_zip(own / "docx-no-document-xml.docx",
              {k: v for k, v in docx_parts().items() if k != "word/document.xml"})
    (own / "txt-digit-groups-1mib.txt").write_text("123 " * 2**18, encoding="utf-8")
    (own / "txt-one-token-1mib.txt").write_text("abc123" * (2**20 // 6), encoding="utf-8")
    (own / "odt-as-docx.docx").write_bytes(_odt())


def _odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


LONG_NAME = "x" * 251 + ".txt"  # 255 bytes, the limit of most file systems
NFD_NAME = unicodedata.normalize("NFD", "överenskommelse-å.txt")
LATIN1_NAME = b"avtal-\xe5r-2023.txt"  # not UTF-8: a name copied from an old Windows share


def build_fs_cases(fs: Path, outside: Path, inside_target: Path) -> None:
    """File-system oddities; `outside` is a file beyond the input root."""
    fs.mkdir(parents=True)
    for label, name in [("dash", "-leading-dash.txt"), ("newline", "new\nline.txt"),
                        ("nfd", NFD_NAME), ("long", LONG_NAME), ("space", " spaced name .txt")]:
        (fs / name).write_text(unique_text(label), encoding="utf-8")
    with open(os.path.join(os.fsencode(fs), LATIN1_NAME), "w", encoding="utf-8") as handle:
        handle.write(unique_text("latin1"))
    (fs / "link-outside.txt").symlink_to(outside)
    (fs / "link-inside.txt").symlink_to(inside_target)
    (fs / "link-broken.txt").symlink_to(fs / "does-not-exist.txt")
    (fs / "loop-a.txt").symlink_to(fs / "loop-b.txt")
    (fs / "loop-b.txt").symlink_to(fs / "loop-a.txt")
    (fs / "link-to-folder").symlink_to(inside_target.parent, target_is_directory=True)
    os.mkfifo(fs / "fifo.txt")
    (fs / ".hidden.txt").write_text(unique_text("hidden"), encoding="utf-8")


def build_archive(raw: Path, outside: Path) -> None:
    """The issue's batch: both corpora and the seeds, plus our own cases."""
    shutil.copytree(CORPUS / "hostile-pdfs", raw / "corpus" / "hostile-pdfs")
    shutil.copytree(CORPUS / "hostile-texts", raw / "corpus" / "hostile-texts")
    shutil.copytree(SEEDS, raw / "seeds")
    build_own_cases(raw / "own")
    outside.write_text(unique_text("outside"), encoding="utf-8")
    build_fs_cases(raw / "fs", outside,
                   raw / "corpus" / "hostile-texts" / "txt-control-utf8.txt")
