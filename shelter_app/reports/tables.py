"""Tables for reports: fixed column widths, header repeated on every page, fast on long lists.

``DataTable`` is one flowable for every table in the reports. Column widths are fractions of
the frame, so nothing runs past the A4 margins; text that does not fit its column wraps (a
word longer than the column is broken), and every row's height is measured once, up front.
A long table splits page by page in O(rows on the page): the table is chunked per page,
each chunk repeats the header row, a row is never cut, and a household (a *group*) is moved
whole to the next page when it fits there, or continued under a repeated group row.

Drawing is one text object per chunk and one path for its rules, which keeps a 5,000-row
roster close to the cost of drawing the same strings on a bare canvas.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus.doctemplate import FrameBreak
from reportlab.platypus.flowables import Flowable

from shelter_app.reports import fonts
from shelter_app.reports.style import PALETTE, STATUS_COLOURS

PAD_X = 3.0
PAD_Y = 2.4


@dataclass(frozen=True)
class Col:
    title: str
    width: float  # fraction of the frame width (the fractions of a table add up to 1)
    align: str = "L"  # L, R or C
    bold: bool = False


@dataclass(frozen=True)
class Status:
    """A cell showing ok / short / critical: a tinted cell with a bold word, never colour alone."""

    code: str
    text: str


@dataclass(slots=True)
class Row:
    cells: list
    kind: str = "data"  # data, group (one cell over the whole width), total, note
    group: object = None  # rows of one household share a group key
    continued: str = ""  # the group row repeated at the top of the next page ends with this
    bold: bool = False


@dataclass
class _Measured:
    rows: list[Row]
    lines: list  # per row: list (per cell) of lines
    heights: list[float]
    prefix: list[float]
    header_lines: list
    header_sizes: list[float]
    header_height: float
    widths: list[float]
    group_start: dict = field(default_factory=dict)  # group key -> index of its group row
    plain: set = field(default_factory=set)  # rows of plain one-line strings in the regular face


def _words(paragraph: str, font: str, size: float, width: float) -> list[str]:
    """The words of a paragraph; a word too long for the width is cut after its hyphens."""
    out = []
    for word in paragraph.split():
        if "-" in word[1:-1] and stringWidth(word, font, size) > width:
            pieces = word.split("-")
            out += [piece + "-" for piece in pieces[:-1]] + [pieces[-1]]
        else:
            out.append(word)
    return out


def _longest_fit(word: str, font: str, size: float, width: float) -> int:
    """How many first characters of ``word`` fit ``width`` (at least one): a binary search
    over no more characters than the narrowest glyph allows, so an unbroken word of 20,000
    characters is cut in milliseconds."""
    low, high = 1, min(len(word) - 1, int(width / (size * 0.15)) + 1)
    while low < high:
        middle = (low + high + 1) // 2
        if stringWidth(word[:middle], font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return max(low, 1)


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of ``text`` no wider than ``width``; words longer than the width are broken."""
    if "\n" not in text and stringWidth(text, font, size) <= width:
        return [text]
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in _words(paragraph, font, size, width):
            if current.endswith("-"):
                candidate = current + word
                if stringWidth(candidate, font, size) <= width:
                    current = candidate
                    continue
                lines.append(current)
                current = ""
            candidate = f"{current} {word}" if current else word
            if stringWidth(candidate, font, size) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = ""
            while len(word) > 1 and stringWidth(word, font, size) > width:
                cut = _longest_fit(word, font, size, width)
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    return lines or [""]


class DataTable(Flowable):
    """A table of strings (and ``Status`` cells) that flows over as many pages as it needs."""

    def __init__(
        self,
        columns: list[Col],
        rows: list[Row],
        font_size: float = 8.0,
        header: bool = True,
        zebra: bool = True,
        keep_groups: bool = False,
        continued_label: str = "",
        space_after: float = 8.0,
    ):
        super().__init__()
        self.columns = columns
        self.source_rows = rows
        self.font_size = font_size
        self.leading = round(font_size * 1.22, 2)
        self.show_header = header
        self.zebra = zebra
        self.keep_groups = keep_groups
        self.continued_label = continued_label
        self.spaceAfter = space_after
        self._m: _Measured | None = None
        self._start = 0
        self._end: int | None = None
        self._lead: Row | None = None  # a repeated group row heading a continued chunk
        self._lead_lines = None

    # --- measuring ----------------------------------------------------------------------

    def _cell_font(self, row: Row | None, col: int, cell=None) -> str:
        if (
            row is None
            or row.kind in ("group", "total")
            or row.bold
            or isinstance(cell, Status)
            or self.columns[col].bold
        ):
            return fonts.BOLD
        return fonts.REGULAR

    def _cell_lines(self, row: Row, widths: list[float]) -> list:
        if row.kind == "group":
            return [wrap_text(str(row.cells[0]), fonts.BOLD, self.font_size, sum(widths) - 2 * PAD_X)]
        out = []
        for col, (cell, width) in enumerate(zip(row.cells, widths)):
            font = self._cell_font(row, col, cell)
            value = cell.text if isinstance(cell, Status) else ("" if cell is None else str(cell))
            out.append(wrap_text(value, font, self.font_size, width - 2 * PAD_X))
        return out

    def _height(self, cell_lines: list) -> float:
        return max(len(lines) for lines in cell_lines) * self.leading + 2 * PAD_Y

    def _header_cell(self, title: str, width: float) -> tuple[list[str], float]:
        """A column title in as small a size as needed (not under 5.5 pt) for its words to stay whole."""
        size = self.font_size
        words = [w for w in title.replace("\n", " ").split(" ") if w]
        while size > 5.5 and any(stringWidth(w, fonts.BOLD, size) > width for w in words):
            size -= 0.25
        return wrap_text(title, fonts.BOLD, size, width), size

    def _measure(self, avail_width: float) -> _Measured:
        widths = [col.width * avail_width for col in self.columns]
        header = [self._header_cell(col.title, w - 2 * PAD_X) for col, w in zip(self.columns, widths)]
        header_lines = [lines for lines, _size in header]
        header_sizes = [size for _lines, size in header]
        header_height = self._height(header_lines) if self.show_header else 0.0
        lines, heights, group_start, plain_rows = [], [], {}, set()
        single = self.leading + 2 * PAD_Y
        regular = fonts.REGULAR
        size = self.font_size
        inner = [w - 2 * PAD_X for w in widths]
        # A string of at most this many characters fits its column whatever its letters are.
        widest = fonts.widest_glyph(regular) * size / 1000
        safe = [int(w // widest) for w in inner]
        plain = not any(col.bold for col in self.columns)
        for index, row in enumerate(self.source_rows):
            if plain and row.kind == "data" and not row.bold:
                # The fast path: plain strings that fit their column on one line.
                cells = row.cells
                if all(
                    type(c) is str
                    and (len(c) <= n or ("\n" not in c and stringWidth(c, regular, size) <= w))
                    and "\n" not in c
                    for c, w, n in zip(cells, inner, safe)
                ):
                    lines.append([[c] for c in cells])
                    heights.append(single)
                    plain_rows.add(index)
                    continue
            cell_lines = self._cell_lines(row, widths)
            lines.append(cell_lines)
            heights.append(self._height(cell_lines))
            if row.kind == "group" and row.group is not None:
                group_start[row.group] = index
        return _Measured(
            self.source_rows,
            lines,
            heights,
            [0.0, *accumulate(heights)],
            header_lines,
            header_sizes,
            header_height,
            widths,
            group_start,
            plain_rows,
        )

    def _measured(self, avail_width: float) -> _Measured:
        if self._m is None:
            self._m = self._measure(avail_width)
        return self._m

    def _chunk(self, start: int, end: int, lead: Row | None) -> DataTable:
        part = DataTable(
            self.columns,
            self.source_rows,
            self.font_size,
            self.show_header,
            self.zebra,
            self.keep_groups,
            self.continued_label,
            self.spaceAfter,
        )
        part._m, part._start, part._end, part._lead = self._m, start, end, lead
        if lead is not None:
            part._lead_lines = self._cell_lines(lead, self._m.widths)
        return part

    def _lead_height(self) -> float:
        return self._height(self._lead_lines) if self._lead is not None else 0.0

    # --- flowable protocol --------------------------------------------------------------

    def wrap(self, avail_width, avail_height):
        m = self._measured(avail_width)
        end = len(m.rows) if self._end is None else self._end
        self.width = sum(m.widths)
        self.height = m.header_height + self._lead_height() + m.prefix[end] - m.prefix[self._start]
        return self.width, self.height

    def split(self, avail_width, avail_height):
        m = self._measured(avail_width)
        end = len(m.rows) if self._end is None else self._end
        budget = avail_height - m.header_height - self._lead_height()
        if budget <= 0:
            return []
        cut = bisect_right(m.prefix, m.prefix[self._start] + budget + 1e-6) - 1
        cut = min(cut, end)
        if cut <= self._start:
            return []
        if cut >= end:
            return [self._chunk(self._start, end, self._lead)]
        lead = None
        moved = False
        if self.keep_groups:
            first_next = m.rows[cut]
            if first_next.kind != "group" and first_next.group is not None:
                group_row = m.group_start.get(first_next.group)
                if group_row is not None and group_row > self._start:
                    page = m.header_height + avail_height  # what a fresh page of the same frame holds, roughly
                    group_end = cut
                    while group_end < end and m.rows[group_end].group == first_next.group:
                        group_end += 1
                    if m.prefix[group_end] - m.prefix[group_row] < page - 2 * m.header_height:
                        cut, moved = group_row, True  # move the whole household to the next page
                if cut < end and m.rows[cut].kind != "group" and m.rows[cut].group is not None:
                    start_row = m.group_start.get(m.rows[cut].group)
                    if start_row is not None:
                        source = m.rows[start_row]
                        lead = Row(
                            [f"{source.cells[0]} {self.continued_label}".rstrip()], kind="group", group=source.group
                        )
        if cut <= self._start:
            return []
        first, rest = self._chunk(self._start, cut, self._lead), self._chunk(cut, end, lead)
        # A household moved whole goes to the next page, not into the space it left.
        return [first, FrameBreak(), rest] if moved else [first, rest]

    # --- drawing ------------------------------------------------------------------------

    def draw(self):
        m = self._m
        canvas = self.canv
        widths = m.widths
        total_width = sum(widths)
        xs = [0.0, *accumulate(widths)]
        end = len(m.rows) if self._end is None else self._end
        entries = []  # (row or None for header, lines, height)
        if self.show_header:
            entries.append((None, m.header_lines, m.header_height))
        if self._lead is not None:
            entries.append((self._lead, self._lead_lines, self._lead_height()))
        first_row = len(entries)
        for index in range(self._start, end):
            entries.append((m.rows[index], m.lines[index], m.heights[index]))
        plain = m.plain

        # Fills: header, zebra stripes, groups, totals, status cells.
        y = self.height
        stripe = 0
        fills: dict = {}
        for row, _lines, height in entries:
            y -= height
            colour = None
            if row is None:
                colour = PALETTE["header_fill"]
            elif row.kind == "group":
                colour, stripe = PALETTE["group_fill"], 0
            elif row.kind == "total":
                colour = PALETTE["total_fill"]
            else:
                if self.zebra and stripe % 2 == 1:
                    colour = PALETTE["zebra_fill"]
                stripe += 1
            if colour is not None:
                fills.setdefault(colour, []).append((0, y, total_width, height))
            if row is not None and row.kind != "group":
                for col, cell in enumerate(row.cells):
                    if isinstance(cell, Status):
                        fills.setdefault(STATUS_COLOURS[cell.code][0], []).append((xs[col], y, widths[col], height))
        canvas.saveState()
        for colour, rects in fills.items():
            canvas.setFillColor(colour)
            path = canvas.beginPath()
            for x, y0, w, h in rects:
                path.rect(x, y0, w, h)
            canvas.drawPath(path, stroke=0, fill=1)

        # Rules: a light grid (column rules stop at household rows), darker under the header and above totals.
        canvas.setLineWidth(0.35)
        canvas.setStrokeColor(PALETTE["rule"])
        segments = [(0, self.height, total_width, self.height)]
        strong = []
        y = self.height
        run_top = y
        for row, _lines, height in entries:
            if row is not None and row.kind == "group":
                if run_top > y:
                    segments += [(x, run_top, x, y) for x in xs[1:-1]]
                run_top = y - height
            if row is None:
                strong.append((0, y - height, total_width, y - height))
            elif row.kind == "total":
                strong.append((0, y, total_width, y))
            y -= height
            segments.append((0, y, total_width, y))
        if run_top > y:
            segments += [(x, run_top, x, y) for x in xs[1:-1]]
        segments += [(0, self.height, 0, y), (total_width, self.height, total_width, y)]
        canvas.lines(segments)
        if strong:
            canvas.setStrokeColor(PALETTE["strong_rule"])
            canvas.setLineWidth(0.8)
            canvas.lines(strong)

        # Text: one text object for the whole chunk.
        size, leading = self.font_size, self.leading
        text = canvas.beginText()
        current_font, current_colour = None, None
        ink = PALETTE["ink"]
        y = self.height
        aligns = [col.align for col in self.columns]
        measured: dict = {}
        regular = fonts.REGULAR
        for position, (row, cell_lines, height) in enumerate(entries):
            top = y - PAD_Y - size * 0.93
            y -= height
            if position >= first_row and (self._start + position - first_row) in plain:
                # The common row: one line per cell, regular face, ink colour.
                if current_font != (regular, size):
                    text.setFont(regular, size, leading)
                    current_font = (regular, size)
                if current_colour is not ink:
                    text.setFillColor(ink)
                    current_colour = ink
                for col, cell in enumerate(row.cells):
                    if cell:
                        align = aligns[col]
                        if align == "L":
                            x = xs[col] + PAD_X
                        else:
                            key = (cell, regular, size)
                            w = measured.get(key)
                            if w is None:
                                w = measured[key] = stringWidth(cell, regular, size)
                            x = xs[col] + widths[col] - PAD_X - w if align == "R" else xs[col] + (widths[col] - w) / 2
                        text.setTextOrigin(x, top)
                        text.textOut(cell)
                continue
            if row is not None and row.kind == "group":
                cell_lines, row_aligns, row_xs, row_widths = cell_lines[:1], ["L"], [0.0], [total_width]
            else:
                row_aligns, row_xs, row_widths = aligns, xs, widths
            for col, lines in enumerate(cell_lines):
                cell = row.cells[col] if row is not None else None
                font = self._cell_font(row, col, cell)
                cell_size = m.header_sizes[col] if row is None else size
                colour = STATUS_COLOURS[cell.code][1] if isinstance(cell, Status) else ink
                if (font, cell_size) != current_font:
                    text.setFont(font, cell_size, leading)
                    current_font = (font, cell_size)
                if colour is not current_colour:
                    text.setFillColor(colour)
                    current_colour = colour
                align = row_aligns[col]
                baseline = top
                for line in lines:
                    if line:
                        if align == "L":
                            x = row_xs[col] + PAD_X
                        else:
                            key = (line, font, cell_size)
                            w = measured.get(key)
                            if w is None:
                                w = measured[key] = stringWidth(line, font, cell_size)
                            if align == "R":
                                x = row_xs[col] + row_widths[col] - PAD_X - w
                            else:
                                x = row_xs[col] + (row_widths[col] - w) / 2
                        text.setTextOrigin(x, baseline)
                        text.textOut(line)
                    baseline -= leading
        canvas.drawText(text)

        canvas.restoreState()


def key_values(pairs: list[tuple[str, str]], font_size: float = 8.5, label_share: float = 0.32) -> DataTable:
    """A two-column table of labels and values (no header), e.g. the site's particulars."""
    columns = [Col("", label_share, bold=True), Col("", 1 - label_share)]
    rows = [Row([label, value]) for label, value in pairs]
    return DataTable(columns, rows, font_size=font_size, header=False, zebra=False)
