"""Plain text files: decode UTF-8 (with or without BOM), UTF-16 with BOM, or cp1252."""

from __future__ import annotations

from pipeline.records import Page

# Bytes that cp1252 leaves undefined; their presence in non-UTF-8 data means binary or latin-1.
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
_TEXT_CONTROLS = {9, 10, 12, 13}


def control_ratio(data: bytes) -> float:
    sample = data[:65536]
    if not sample:
        return 0.0
    bad = sum(1 for b in sample if (b < 32 and b not in _TEXT_CONTROLS) or b == 127)
    return bad / len(sample)


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Raise ValueError when the bytes are not text.

    Mixed files (UTF-8 lines beside cp1252 lines, from copy-paste) are decoded line by line.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if control_ratio(data) > 0.10:
        raise ValueError(f"{control_ratio(data):.0%} control bytes")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    lines = data.splitlines(keepends=True)
    out, fell_back, kept_utf8 = [], 0, 0
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
            if any(b > 127 for b in line):
                kept_utf8 += 1
        except UnicodeDecodeError:
            out.append(_cp1252(line))
            fell_back += 1
    if kept_utf8 and fell_back:
        return "".join(out), "utf-8+cp1252"
    return _cp1252(data), "cp1252"


def _cp1252(data: bytes) -> str:
    undefined = sum(1 for b in data if b in _CP1252_UNDEFINED)
    if undefined > max(2, len(data) // 200):
        raise ValueError("bytes undefined in cp1252: not text")
    return data.decode("cp1252", errors="replace")


def pages_of(text: str) -> list[Page]:
    """Split on form feeds (how pdftotext and some exports mark pages); line ends become \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [Page(number=i + 1, text=t) for i, t in enumerate(text.split("\f"))]
