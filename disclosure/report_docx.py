"""The annual report as a Word document (DISC-4), offered for download on its published page.

`build(data, title)` writes the report's sections and national tables (disclosure/report_tables.py)
with python-docx. The bytes depend only on the data: the document's dates are the year's end and
every zip member has a fixed time, so the same report gives the same file and the publisher
rewrites nothing. `ensure_file` keeps one file per content under MEDIA_ROOT/disclosure/reports/
(named by its hash): the publisher copies it beside the page like any attachment
(resources.kinds_registry.Kind.page_files).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

from django.conf import settings
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from disclosure import report_tables
from editorial.text import text_paragraphs

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FOLDER = "disclosure/reports"
VERSION = "1"  # change when the layout changes: every report's file is made again
FONT = "宋体"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def _font(style, size: float | None = None, bold: bool | None = None) -> None:
    style.font.name = FONT
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    if size:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold


def _paragraphs(doc, html: str) -> None:
    paragraphs = text_paragraphs(html or "") or ["无。"]
    for text in paragraphs:
        paragraph = doc.add_paragraph(text)
        paragraph.paragraph_format.first_line_indent = Pt(24)


def _table(doc, table: report_tables.Table) -> None:
    caption = doc.add_paragraph(table.caption)
    caption.runs[0].bold = True
    header_rows = 2 if table.column_groups else 1
    grid = doc.add_table(rows=header_rows + len(table.rows), cols=len(table.columns) + 1)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    if table.column_groups:
        top, second = grid.rows[0].cells, grid.rows[1].cells
        top[0].merge(second[0]).text = table.corner
        col = 1
        for label, span in table.column_groups:
            if span == 1:
                top[col].merge(second[col]).text = label
            else:
                top[col].merge(top[col + span - 1]).text = label
                for offset in range(span):
                    second[col + offset].text = table.columns[col - 1 + offset]
            col += span
    else:
        cells = grid.rows[0].cells
        cells[0].text = table.corner
        for index, label in enumerate(table.columns, 1):
            cells[index].text = label
    for index, row in enumerate(table.rows):
        cells = grid.rows[header_rows + index].cells
        if row.heading:
            cells[0].merge(cells[-1]).text = row.label
            continue
        cells[0].text = row.label
        for offset, number in enumerate(row.numbers, 1):
            cells[offset].text = str(number)
            cells[offset].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _document(data: dict, title: str) -> Document:
    context = report_tables.page_context(data)
    doc = Document()
    _font(doc.styles["Normal"], 12)
    for name in ("Title", "Heading 1"):
        _font(doc.styles[name], 18 if name == "Title" else 15, bold=True)
    heading = doc.add_paragraph(title, style="Title")
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if context["organisation"]:
        doc.add_paragraph(f"信息公开机关：{context['organisation']}　报告年度：{context['year']}年")
    doc.add_heading("一、总体情况", level=1)
    _paragraphs(doc, context["overview"])
    doc.add_heading("二、主动公开政府信息情况", level=1)
    for table in context["proactive"]:
        _table(doc, table)
    if context["disclosed"]:
        doc.add_paragraph(context["disclosed"])
    doc.add_heading("三、收到和处理政府信息公开申请情况", level=1)
    _table(doc, context["requests"])
    doc.add_heading("四、政府信息公开行政复议、行政诉讼情况", level=1)
    _table(doc, context["remedies"])
    doc.add_heading("五、存在的主要问题及改进情况", level=1)
    _paragraphs(doc, context["problems"])
    doc.add_heading("六、其他需要报告的事项", level=1)
    _paragraphs(doc, context["other_matters"])
    year = int(context["year"] or 2008)
    when = dt.datetime(year, 12, 31, tzinfo=dt.UTC)
    props = doc.core_properties
    props.title = title
    props.author = props.last_modified_by = context["organisation"] or "政府信息公开"
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    return doc


def build(data: dict, title: str) -> bytes:
    """The report as DOCX bytes, the same for the same data."""
    raw = io.BytesIO()
    _document(data, title).save(raw)
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, zipfile.ZipFile(fixed, "w") as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return fixed.getvalue()


def _key(data: dict, title: str) -> str:
    from disclosure.models import Organisation

    organisation = Organisation.objects.filter(pk=data.get("organisation")).values_list("name", flat=True).first()
    shown = {key: value for key, value in data.items() if key != "computed"}
    shown["computed"] = {k: v for k, v in (data.get("computed") or {}).items() if k != "counted_at"}
    payload = json.dumps([VERSION, title, organisation, shown], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def ensure_file(data: dict, title: str) -> tuple[str, int]:
    """(path under MEDIA_ROOT, size) of the report's DOCX, written when this content has none yet."""
    relative = f"{FOLDER}/{_key(data, title)}.docx"
    path = Path(settings.MEDIA_ROOT) / relative
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(build(data, title))
        os.replace(temporary, path)
    return relative, path.stat().st_size
