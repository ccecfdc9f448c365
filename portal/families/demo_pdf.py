"""One-page text PDFs for the demo's family documents, written by hand: a few hundred bytes, no dependency, no
rendering time (WeasyPrint would add a second or more to the demo load for five small pages).

Only what the demo needs: a bold title, paragraphs wrapped to the page, the standard Helvetica fonts (every PDF
reader has them) and the Windows-1252 characters they can show.
"""

from __future__ import annotations

import textwrap

PAGE_WIDTH, PAGE_HEIGHT = 612, 792  # US Letter, in points
MARGIN = 72
BODY_SIZE, BODY_LEADING = 11, 15
TITLE_SIZE = 16
# Helvetica at 11 pt averages a little over 5 pt a character: 88 characters fill the 468 pt between the margins.
WRAP_CHARACTERS = 88
MAX_LINES = (PAGE_HEIGHT - 2 * MARGIN - 40) // BODY_LEADING


def _pdf_text(text: str) -> bytes:
    """A PDF string literal in WinAnsiEncoding (characters outside Windows-1252 become '?')."""
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _info_text(text: str) -> bytes:
    """A PDF text string for the document information (UTF-16, so any character shows in a reader's title)."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _lines(paragraphs: list[str]) -> list[str]:
    """Each paragraph wrapped to the page, with an empty line between paragraphs."""
    lines: list[str] = []
    for paragraph in paragraphs:
        if lines:
            lines.append("")
        lines.extend(textwrap.wrap(paragraph, WRAP_CHARACTERS) or [""])
    if len(lines) > MAX_LINES:
        raise ValueError(f"a demo document has {len(lines)} lines; one page holds {MAX_LINES}")
    return lines


def one_page_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A valid one-page PDF showing `title` and `paragraphs` (plain text)."""
    content = [b"BT", b"/F2 %d Tf" % TITLE_SIZE, b"%d %d Td" % (MARGIN, PAGE_HEIGHT - MARGIN - TITLE_SIZE)]
    content += [_pdf_text(title) + b" Tj", b"/F1 %d Tf" % BODY_SIZE, b"%d TL" % BODY_LEADING, b"T* T*"]
    for line in _lines(paragraphs):
        content.append(_pdf_text(line) + b" ' " if line else b"T*")
    content.append(b"ET")
    stream = b"\n".join(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> "
        b"/Contents 6 0 R >>" % (PAGE_WIDTH, PAGE_HEIGHT),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Title " + _info_text(title) + b" /Producer (Harbor Portal demo) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (len(objects) + 1, len(objects))
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
