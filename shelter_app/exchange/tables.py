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
from shelter_app.files import stream_atomically
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


# Bounded reading: a roster file is refused, in seconds and small memory, when it is larger
# than any roster, holds binary junk, a line or a cell longer than any roster's, or too many rows.
FILE_LIMIT = 100 * 1024 * 1024  # bytes
LINE_LIMIT = 100_000  # characters
CELL_LIMIT = 10_000  # characters
ROW_LIMIT = 200_000  # the largest operation: some 150,000 evacuees
SAMPLE = 64 * 1024
XLSX_UNPACKED_LIMIT = 400 * 1024 * 1024  # an .xlsx is a zip: its sheets unpacked


def _too_large(path: Path, what) -> RuleViolation:
    return RuleViolation(
        "file", _("The file {path} cannot be a roster: {what}. Nothing was imported.", path=str(path), what=what)
    )


def _encoding(sample: bytes) -> str:
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(sample) - 3:  # not merely a character cut by the sample's end
            # Excel on Windows saves "CSV" in the machine's code page: Windows-1252 in Indonesia.
            return "cp1252"
    return "utf-8"


def _lines(path: Path, encoding: str):
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        while True:
            line = handle.readline(LINE_LIMIT + 1)
            if not line:
                return
            if len(line) > LINE_LIMIT:
                raise _too_large(path, _("a line is longer than {n} characters", n=LINE_LIMIT))
            yield line


def read_csv(path: Path) -> Table:
    if path.stat().st_size > FILE_LIMIT:
        raise _too_large(path, _("it is larger than {n} MB", n=FILE_LIMIT // (1024 * 1024)))
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE)
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = _decode(path.read_bytes())
        lines = iter(io.StringIO(text, newline=""))
    else:
        junk = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 13))
        if junk > len(sample) // 100:
            raise _too_large(path, _("it holds binary data, not text"))
        encoding = _encoding(sample)
        lines = _lines(path, encoding)
    first_line = sample.decode(encoding if encoding != "utf-16" else "utf-16", errors="replace").split("\n", 1)[0]
    delimiter = _delimiter(first_line.lstrip("\ufeff"))
    limit = csv.field_size_limit()
    csv.field_size_limit(CELL_LIMIT)
    try:
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
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
                if len(rows) >= ROW_LIMIT:
                    raise _too_large(path, _("it has more than {n} rows", n=ROW_LIMIT))
                rows.append((reader.line_num, [unescaped(v) if v[:1] == "'" else v for v in values]))
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
    finally:
        csv.field_size_limit(limit)
    return _finish(headers, rows, Table([], kind="csv", encoding=encoding, delimiter=delimiter))


def read_xlsx(path: Path) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as packed:
            unpacked = sum(item.file_size for item in packed.infolist())
    except (zipfile.BadZipFile, OSError):
        unpacked = 0  # said below, in openpyxl's words
    if unpacked > XLSX_UNPACKED_LIMIT:
        raise _too_large(path, _("it unpacks to more than {n} MB", n=XLSX_UNPACKED_LIMIT // (1024 * 1024)))
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
            if len(rows) >= ROW_LIMIT:
                raise _too_large(path, _("it has more than {n} rows", n=ROW_LIMIT))
            if any(isinstance(v, str) and len(v) > CELL_LIMIT for v in values):
                raise _too_large(path, _("a cell is longer than {n} characters", n=CELL_LIMIT))
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
        return unescaped(value.strip())
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


# A cell beginning with one of these is a formula to a spreadsheet (CSV injection): written
# as text, CSV and HXL with a leading apostrophe (OWASP), XLSX as a cell of string type.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """A cell value for CSV or HXL: text that a spreadsheet would run is escaped."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unescaped(text: str) -> str:
    """A cell read back: the apostrophe ``safe_text`` put before a formula character removed."""
    if text.startswith("'") and text[1:2] and text[1] in "=+-@\t\r":
        return text[1:]
    return text


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
    (CSV with the hashtag row under the header). Numbers in ``text_columns`` stay text in Excel.
    Text is never a formula (``FORMULA_START``); the file is written under a temporary name,
    flushed to the disk and renamed, so no half file is ever left under the real name."""
    path = Path(path).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "xlsx":
            _write_xlsx(path, headers, rows, text_columns, sheet_title)
        else:

            def write(binary) -> None:
                handle = io.TextIOWrapper(binary, encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="")
                writer = csv.writer(handle, delimiter=delimiter)
                writer.writerow([safe_text(h) for h in headers])
                if hxl_tags is not None:
                    writer.writerow([safe_text(t) for t in hxl_tags])
                for row in rows:
                    writer.writerow(["" if v is None else safe_text(v) for v in row])
                handle.flush()
                handle.detach()

            stream_atomically(path, write)
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


def _xlsx_text(value: str) -> str:
    """Characters an XLSX file cannot hold (control characters) shown as U+FFFD."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)


def _write_xlsx(path: Path, headers: list[str], rows: list[list], text_columns, title: str) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    def cell_of(value):
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=None)
            cell._value = _xlsx_text(value)
            cell.data_type = "s"  # text, even when it begins with "=": never a formula
            return cell
        return WriteOnlyCell(sheet, value=value)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_xlsx_text(title)[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = cell_of(header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        out = []
        for index, value in enumerate(row):
            if value is None or value == "":
                out.append(None)
                continue
            cell = cell_of(value)
            if index in text_columns:
                cell.number_format = "@"  # a NIK must never become 3.20301E+15
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            out.append(cell)
        sheet.append(out)
    stream_atomically(path, workbook.save)
