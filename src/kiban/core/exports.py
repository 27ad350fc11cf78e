"""The one table writer: CSV, TSV and Excel downloads of typed columns, and the one download response."""

import csv
import datetime
import enum
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font


class ColumnKind(enum.Enum):
    """What a column holds; it decides how a value is written, never the header's wording."""

    TEXT = "text"
    INTEGER = "integer"
    YEN = "yen"  # integer yen
    DECIMAL = "decimal"
    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True)
class Column:
    header: str
    kind: ColumnKind = ColumnKind.TEXT


@dataclass(frozen=True)
class Sheet:
    """One table of a download: an Excel sheet, or a block of a CSV/TSV file."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]


EXPORT_FORMATS = ("csv", "tsv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Excel number formats by kind; integers stay General so that fiscal years read 2021, not 2,021.
_EXCEL_FORMATS = {
    ColumnKind.TEXT: "@",
    ColumnKind.YEN: '#,##0"円"',
    ColumnKind.DATE: "yyyy-mm-dd",
    ColumnKind.DATETIME: "yyyy-mm-dd hh:mm",
}
# OWASP CSV injection: a cell starting with one of these is read as a formula by spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_TSV_BREAKS = re.compile(r"[\t\r\n]")
_FILENAME_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f/\\"]')


def neutralise(text: str) -> str:
    """Text a spreadsheet shows as text: a leading formula character gets a leading apostrophe."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _text(value, kind: ColumnKind) -> str:
    """A value as CSV/TSV text."""
    if value is None:
        return ""
    if kind is ColumnKind.DATETIME:
        return _local(value).isoformat(sep=" ", timespec="seconds")
    if kind is ColumnKind.DATE:
        return value.isoformat()
    if kind is ColumnKind.TEXT:
        return neutralise(str(value))
    return str(value)


def _csv_lines(sheets: Sequence[Sheet], *, delimiter: str, titles: bool) -> Iterator[str]:
    """The file's text a row at a time; sheets follow each other after a blank line, titled if asked."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: Sequence[str]) -> str:
        if delimiter == "\t":
            # TSV cannot quote: a tab or line break inside a value would start a new cell or row.
            return "\t".join(_TSV_BREAKS.sub(" ", cell) for cell in cells) + "\n"
        writer.writerow(cells)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    for index, sheet in enumerate(sheets):
        if index:
            yield line([])
        if titles and len(sheets) > 1:
            yield line([f"# {sheet.title}"])
        kinds = [column.kind for column in sheet.columns]
        yield line([neutralise(str(column.header)) for column in sheet.columns])
        for row in sheet.rows:
            yield line([_text(value, kind) for value, kind in zip(row, kinds, strict=True)])


def _excel_value(value, kind: ColumnKind):
    if value is None:
        return None
    if kind is ColumnKind.TEXT:
        return ILLEGAL_CHARACTERS_RE.sub("", neutralise(str(value)))
    if kind in (ColumnKind.INTEGER, ColumnKind.YEN):
        return int(value)
    if kind is ColumnKind.DECIMAL:
        return float(value) if isinstance(value, Decimal) else value
    if kind is ColumnKind.DATETIME:
        return _local(value).replace(tzinfo=None)  # Excel has no time zones: the reader's local time
    return value


def _xlsx(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(_SHEET_TITLE_FORBIDDEN.sub(" ", str(sheet.title))[:31] or None)
        worksheet.append([_excel_value(column.header, ColumnKind.TEXT) for column in sheet.columns])
        for cell in worksheet[1]:
            cell.font = bold
        kinds = [column.kind for column in sheet.columns]
        for row in sheet.rows:
            worksheet.append([_excel_value(v, k) for v, k in zip(row, kinds, strict=True)])
        for index, kind in enumerate(kinds, start=1):
            number_format = _EXCEL_FORMATS.get(kind)
            if number_format is None:
                continue
            for (cell,) in worksheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if cell.value is not None:
                    cell.number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def content_disposition(filename: str) -> str:
    """An attachment header; a name beyond ASCII also goes as RFC 5987 UTF-8, with an ASCII fallback."""
    filename = _FILENAME_FORBIDDEN.sub("_", filename)
    fallback = filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
    if fallback == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def download_response(content: bytes | Iterable[bytes], *, filename: str, content_type: str) -> HttpResponse:
    """A file to save: streamed when the content is an iterator of chunks, whole when it is bytes."""
    headers = {"Content-Disposition": content_disposition(filename)}
    if isinstance(content, bytes):
        return HttpResponse(content, content_type=content_type, headers=headers)
    return StreamingHttpResponse(content, content_type=content_type, headers=headers)


def export_sheets_response(
    *, sheets: Sequence[Sheet], filename: str, fmt: str, csv_titles: bool = True, stream: bool = False
) -> HttpResponse:
    """Sheets as `filename`.csv (UTF-8 with a byte-order mark, so Excel in Japan reads it), .tsv or .xlsx.

    CSV and TSV put the sheets one after another, each after a "# title" line when csv_titles is set;
    stream=True sends CSV/TSV row by row as the rows are read (for tables too large to hold).
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if fmt == "xlsx":
        if stream:
            raise ValueError("an Excel workbook cannot be streamed")
        content = _xlsx(sheets)
    else:
        lines = _csv_lines(sheets, delimiter="," if fmt == "csv" else "\t", titles=csv_titles)
        # The BOM tells Excel the CSV is UTF-8; TSV is read by scripts, which a BOM would confuse.
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        if stream:
            content = _encoded(lines, encoding)
        else:
            content = "".join(lines).encode(encoding)
    return download_response(content, filename=f"{filename}.{fmt}", content_type=CONTENT_TYPES[fmt])


def _encoded(lines: Iterator[str], encoding: str) -> Iterator[bytes]:
    first = True
    for text in lines:
        yield text.encode(encoding if first else "utf-8")
        first = False


def export_response(
    *,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    filename: str,
    fmt: str,
    title: str = "",
    stream: bool = False,
) -> HttpResponse:
    """One table as a download: see export_sheets_response."""
    return export_sheets_response(
        sheets=[Sheet(title=title, columns=columns, rows=rows)], filename=filename, fmt=fmt, stream=stream
    )
