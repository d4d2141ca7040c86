"""Tell a file's real type from its first bytes, whatever its name says."""

from __future__ import annotations

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")


def is_encrypted_ole(data: bytes) -> bool:
    """A password-protected .docx/.xlsx is an OLE container with an EncryptedPackage stream.

    The stream's name sits in a directory sector, which may lie anywhere in the file, so
    the whole file is searched for it (UTF-16LE, as OLE stores names); parsing the OLE
    FAT (olefile) would buy nothing more for this one yes/no.
    """
    return data.startswith(OLE_MAGIC) and ENCRYPTED_OOXML in data


def sniff(head: bytes) -> str:
    """Return pdf, zip, ole, ole-encrypted, html, utf16, empty, or text-or-binary ("data")."""
    if not head:
        return "empty"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole-encrypted" if is_encrypted_ole(head) else "ole"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    probe = head[:512].lstrip().lower()
    if probe.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in probe[:200]:
        return "html"
    if head.strip(b"\x00") == b"":
        return "nul"
    return "data"


DESCRIPTIONS = {
    "zip": "a ZIP archive",
    "ole": "an old Office file (Word 97-2003 or similar)",
    "ole-encrypted": "a password-protected Office file",
    "html": "an HTML page",
    "utf16": "UTF-16 text",
    "nul": "only NUL bytes",
    "data": "text or unknown data",
    "pdf": "a PDF",
}
