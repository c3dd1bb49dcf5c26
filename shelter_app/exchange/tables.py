"""Reading and writing the rows of a spreadsheet: CSV (comma or semicolon, with or without a
byte-order mark, UTF-8 or Windows-1252) and XLSX, the way village heads and KoboToolbox make them.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path

from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import _

DELIMITERS = (",", ";", "\t")


@dataclass
class Table:
    """The header and the data rows of a sheet; each row keeps its row number in the file."""

    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)
    kind: str = "csv"  # csv / xlsx
    encoding: str = "utf-8"
    delimiter: str = ","
    hxl_row: list[str] | None = None  # a row of HXL hashtags under the header, when present


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the machine's code page: Windows-1252 in Indonesia.
        return data.decode("cp1252", errors="replace"), "cp1252"


def _delimiter(first_line: str) -> str:
    """The separator used in the header line, ignoring what is inside quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def is_hxl_row(values: list) -> bool:
    """A row of HXL hashtags (#loc+name, #affected+idps...): every filled cell starts with #."""
    filled = [str(v).strip() for v in values if v not in (None, "") and str(v).strip()]
    return bool(filled) and all(v.startswith("#") for v in filled)


def _blank(values: list) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _finish(headers: list, rows: list[tuple[int, list]], table: Table) -> Table:
    headers = ["" if h is None else str(h).strip() for h in headers]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise RuleViolation(
            "file",
            _(
                "The file has no header row: the first row must name the columns "
                "(for example nama, nik, no_kk, jenis_kelamin, tanggal_lahir)."
            ),
        )
    width = len(headers)
    table.headers = headers
    if rows and is_hxl_row(rows[0][1]):
        table.hxl_row = [str(v or "").strip() for v in rows[0][1]]
        rows = rows[1:]
    table.rows = [(n, (values + [None] * width)[:width]) for n, values in rows if not _blank(values)]
    return table


def read_csv(path: Path) -> Table:
    data = path.read_bytes()
    text, encoding = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        raise RuleViolation("file", _("The file {path} is empty.", path=str(path))) from None
    except csv.Error as error:
        raise RuleViolation(
            "file", _("The file {path} cannot be read as CSV: {reason}.", path=str(path), reason=str(error))
        ) from None
    rows = []
    try:
        for values in reader:
            rows.append((reader.line_num, values))
    except csv.Error as error:
        raise RuleViolation(
            "file",
            _(
                "Row {row} of {path} cannot be read as CSV: {reason}.",
                row=reader.line_num,
                path=str(path),
                reason=str(error),
            ),
        ) from None
    return _finish(headers, rows, Table([], kind="csv", encoding=encoding, delimiter=delimiter))


def read_xlsx(path: Path) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise RuleViolation(
            "file",
            _(
                "The file {path} cannot be read as an Excel workbook (.xlsx): {reason}.",
                path=str(path),
                reason=str(error) or type(error).__name__,
            ),
        ) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise RuleViolation("file", _("The file {path} is empty.", path=str(path)))
        iterator = sheet.iter_rows(values_only=True)
        headers = None
        rows = []
        for number, values in enumerate(iterator, start=1):
            values = list(values)
            if headers is None:
                if _blank(values):
                    continue  # title rows above the header are left blank often enough
                headers = values
                continue
            rows.append((number, values))
    finally:
        workbook.close()
    if headers is None:
        raise RuleViolation("file", _("The file {path} is empty.", path=str(path)))
    return _finish(headers, rows, Table([], kind="xlsx"))


def read_table(path: str | Path) -> Table:
    """The sheet in a .csv or .xlsx file (decided by its content, not only its name)."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise RuleViolation("file", _("The file {path} does not exist.", path=str(path)))
    with path.open("rb") as handle:
        start = handle.read(4)
    if start.startswith(b"PK\x03\x04"):
        return read_xlsx(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise RuleViolation(
            "file",
            _(
                "The file {path} cannot be read as an Excel workbook (.xlsx): {reason}.",
                path=str(path),
                reason="not a zip file",
            ),
        )
    if path.suffix.lower() == ".xls":
        raise RuleViolation(
            "file",
            _("Old Excel files (.xls) cannot be read: open it in Excel or LibreOffice and save it as .xlsx or .csv."),
        )
    return read_csv(path)


def cell_text(value) -> str:
    """A cell as the text a person would read in it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


# --- writing -----------------------------------------------------------------------------


def write_rows(
    path: str | Path,
    headers: list[str],
    rows: list[list],
    fmt: str,
    hxl_tags: list[str] | None = None,
    text_columns: set[int] = frozenset(),
    sheet_title: str = "Posko",
    delimiter: str = ",",
) -> Path:
    """Write a sheet as CSV (UTF-8 with a byte-order mark, so Excel reads it right), XLSX, or HXL
    (CSV with the hashtag row under the header). Numbers in ``text_columns`` stay text in Excel."""
    path = Path(path).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "xlsx":
            _write_xlsx(path, headers, rows, text_columns, sheet_title)
        else:
            with path.open("w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as handle:
                writer = csv.writer(handle, delimiter=delimiter)
                writer.writerow(headers)
                if hxl_tags is not None:
                    writer.writerow(hxl_tags)
                for row in rows:
                    writer.writerow(["" if v is None else v for v in row])
    except OSError as error:
        raise RuleViolation(
            "out",
            _(
                "Cannot write {path}: {reason}. Choose another file or folder.",
                path=str(path),
                reason=error.strerror or str(error),
            ),
        ) from None
    return path


def _write_xlsx(path: Path, headers: list[str], rows: list[list], text_columns, title: str) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        out = []
        for index, value in enumerate(row):
            if value is None or value == "":
                out.append(None)
                continue
            cell = WriteOnlyCell(sheet, value=value)
            if index in text_columns:
                cell.number_format = "@"  # a NIK must never become 3.20301E+15
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            out.append(cell)
        sheet.append(out)
    partial = path.with_name(path.name + ".partial")
    workbook.save(partial)
    partial.replace(path)
