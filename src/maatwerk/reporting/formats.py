"""One letter content (:func:`maatwerk.reporting.letter.build`) in three formats: HTML, a tagged PDF
(PDF/UA-1 through WeasyPrint, with the open Noto Sans embedded) and a DOCX (python-docx) that a policy
officer can finish in Word.

Each renderer is a function of the content alone, and deterministic: the same content gives the same
bytes (the PDF carries no creation time of its own, the DOCX's package parts get a fixed time), so a
sent letter, whose content is stored, downloads byte-identically on any later day."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from django.template.loader import render_to_string

#: the typeface embedded in the PDF: Noto Sans (SIL OFL 1.1), the open fallback for the Rijksoverheid
#: Sans, whose licence does not allow this use. WOFF files of the self-hosted copy (see settings).
FONT_FILES = {
    (400, "normal"): "vendor/noto-sans/noto-sans-latin-400-normal.woff",
    (400, "italic"): "vendor/noto-sans/noto-sans-latin-400-italic.woff",
    (700, "normal"): "vendor/noto-sans/noto-sans-latin-700-normal.woff",
}
EXT_FONT_FILES = {
    (400, "normal"): "vendor/noto-sans/noto-sans-latin-ext-400-normal.woff",
    (700, "normal"): "vendor/noto-sans/noto-sans-latin-ext-700-normal.woff",
}
FIXED_EPOCH = 946684800  # 2000-01-01T00:00:00Z: the time stamped into the PDF's font subsets
LATIN = "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD"
LATIN_EXT = "U+0100-02AF, U+0304, U+0308, U+0329, U+1E00-1E9F, U+1EF2-1EFF, U+2020, U+20A0-20AB, U+20AD-20C0, U+2113, U+2C60-2C7F, U+A720-A7FF"


def font_faces(url_of) -> str:
    """@font-face rules for Noto Sans; ``url_of(static path)`` gives each file's URL (None: not installed)."""
    rules = []
    for files, unicode_range in ((FONT_FILES, LATIN), (EXT_FONT_FILES, LATIN_EXT)):
        for (weight, style), path in files.items():
            url = url_of(path)
            if url:
                rules.append(
                    f'@font-face {{ font-family: "Noto Sans"; font-weight: {weight}; font-style: {style}; src: url("{url}") format("woff"); '
                    f"unicode-range: {unicode_range}; }}"
                )
    return "\n".join(rules)


def _file_url(path: str) -> str | None:
    from django.contrib.staticfiles import finders

    found = finders.find(path)
    return Path(found).as_uri() if found else None


def _static_url(path: str) -> str | None:
    from django.templatetags.static import static

    return static(path)


def to_html(content: dict, *, for_pdf: bool = False) -> str:
    """The letter as one HTML page (for the screen, or as the PDF's source with the fonts as files)."""
    return render_to_string(
        "reporting/kamerbrief.html",
        {"letter": content, "references": reference_block(content), "for_pdf": for_pdf, "fonts": font_faces(_file_url if for_pdf else _static_url)},
    )


def to_pdf(content: dict) -> bytes:
    """A tagged PDF (PDF/UA-1: structure tags, the document's language and title) with the fonts embedded."""
    from weasyprint import HTML

    # fontTools stamps each embedded font subset with the clock unless SOURCE_DATE_EPOCH is set
    # (the reproducible-builds convention); a fixed stamp keeps the PDF the same on every run
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(FIXED_EPOCH))
    html = to_html(content, for_pdf=True)
    return HTML(string=html, base_url=str(Path(__file__).parent)).write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=b"maatwerk-" + content["date"].encode())


# --- DOCX ----------------------------------------------------------------------------------------

FIXED_TIME = (2000, 1, 1, 0, 0, 0)
BLUE = (0x15, 0x42, 0x73)  # Rijkshuisstijl dark blue, as on the screens


def _fixed_zip(data: bytes) -> bytes:
    """The same package with every part stamped at one fixed time (zip entries otherwise carry the clock)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def to_docx(content: dict) -> bytes:
    """The same letter as a Word document: letterhead, addressee, reference block, sections with their
    headings, signatures, the annexes as Word tables and the sources."""
    import datetime as dt

    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Noto Sans"
    normal.font.size = Pt(10)
    for style in ("Heading 1", "Heading 2", "Title"):
        doc.styles[style].font.name = "Noto Sans"
        doc.styles[style].font.color.rgb = RGBColor(*BLUE)
    props = doc.core_properties
    props.title = content["subject"]
    props.subject = content["subject"]
    props.author = content["ministry"]
    props.language = "nl-NL"
    props.keywords = content["kenmerk"]
    stamp = dt.datetime.fromisoformat(content["date"])
    props.created = props.modified = stamp
    props.last_printed = stamp
    props.revision = 1
    props.last_modified_by = content["ministry"]

    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(content["ministry"])
    run.bold = True
    run.font.color.rgb = RGBColor(*BLUE)
    doc.add_paragraph(content["unit"]).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(content["addressee"])
    table = doc.add_table(rows=0, cols=2)
    for label, value in [("Datum", content["date_text"]), ("Betreft", content["subject"]), *reference_block(content)]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    doc.add_heading(content["subject"], level=1)
    doc.add_paragraph(content["salutation"])
    for section in content["sections"]:
        if section["heading"]:
            doc.add_heading(section["heading"], level=2)
        for paragraph in section["paragraphs"]:
            doc.add_paragraph(paragraph)
    for signature in content["signatures"]:
        doc.add_paragraph(signature["title"])
        doc.add_paragraph(signature["name"] or "\u00a0")
    doc.add_page_break()
    for annex in content["annexes"]:
        doc.add_heading(annex["title"], level=2)
        if annex["note"]:
            doc.add_paragraph(annex["note"])
        if not annex["rows"]:
            doc.add_paragraph("Geen.")
            continue
        grid = doc.add_table(rows=1, cols=len(annex["header"]))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, annex["header"]):
            cell.text = text
            for r in cell.paragraphs[0].runs:
                r.bold = True
        for row in annex["rows"]:
            cells = grid.add_row().cells
            for i, (cell, text) in enumerate(zip(cells, row)):
                cell.text = text
                if i in annex["numeric"]:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_heading("Bronnen", level=2)
    for source in content["sources"]:
        doc.add_paragraph(source, style="List Bullet")
    out = io.BytesIO()
    doc.save(out)
    return _fixed_zip(out.getvalue())


def reference_block(content: dict) -> list[tuple[str, str]]:
    """The reference lines beside the letter (our reference, Kamerstuk, annexes); date and subject stand in the letter itself."""
    rows = [("Ons kenmerk", content["kenmerk"] or "nog toe te kennen")]
    if content["kamerstuk"]:
        rows.append(("Kamerstuk", content["kamerstuk"]))
    rows.append(("Bijlage(n)", str(len(content["annexes"]))))
    return rows
