"""Charts drawn with QPainter (no QtCharts, so no extra 100 MB of Qt add-ons)."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from shelter_app.ui.forms import palette
from shelter_app.ui.forms.formatting import number

MALE = palette.color(palette.CHART_MALE)
FEMALE = palette.color(palette.CHART_FEMALE)
OK = palette.color(palette.CHART_OK)
SHORT = palette.color(palette.CHART_SHORT)
CRITICAL = palette.color(palette.CHART_CRITICAL)


def _number(value: float) -> str:
    return number(round(value))


@dataclass
class Bar:
    label: str
    value: float
    limit: float | None = None  # drawn as a tick: capacity, requirement
    color: QColor = field(default_factory=lambda: palette.color(palette.CHART_MALE))


class _Chart(QWidget):
    def __init__(self, title: str = "", parent=None):
        super().__init__(parent)
        self.title = title
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def _begin(self) -> tuple[QPainter, QRectF]:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(self.palette().text().color())
        painter.drawText(QRectF(8, 4, self.width() - 16, 20), Qt.AlignLeft | Qt.AlignVCenter, self.title)
        painter.setFont(self.font())
        return painter, QRectF(8, 28, self.width() - 16, self.height() - 36)


class HorizontalBars(_Chart):
    """One bar per label, with an optional limit tick (occupancy against capacity)."""

    def __init__(self, title: str = "", parent=None):
        super().__init__(title, parent)
        self.bars: list[Bar] = []
        self.caption = ""

    def set_bars(self, bars: list[Bar], caption: str = "") -> None:
        self.bars, self.caption = bars, caption
        self.setMinimumHeight(48 + 22 * max(len(bars), 1))
        self.update()

    def paintEvent(self, _event) -> None:
        painter, area = self._begin()
        if not self.bars:
            painter.end()
            return
        label_width = min(
            area.width() * 0.38, max(painter.fontMetrics().horizontalAdvance(b.label) for b in self.bars) + 8
        )
        scale = max(max(b.value for b in self.bars), max((b.limit or 0) for b in self.bars), 1)
        row = min(22.0, area.height() / len(self.bars))
        plot = area.width() - label_width - 60
        for i, bar in enumerate(self.bars):
            y = area.top() + i * row
            painter.setPen(self.palette().text().color())
            painter.drawText(
                QRectF(area.left(), y, label_width - 6, row),
                Qt.AlignRight | Qt.AlignVCenter,
                painter.fontMetrics().elidedText(bar.label, Qt.ElideRight, int(label_width - 6)),
            )
            width = plot * bar.value / scale
            painter.fillRect(QRectF(area.left() + label_width, y + 3, width, row - 6), bar.color)
            text_x = area.left() + label_width + width + 4
            if bar.limit:
                x = area.left() + label_width + plot * bar.limit / scale
                painter.setPen(QPen(Qt.black, 2))
                painter.drawLine(int(x), int(y + 1), int(x), int(y + row - 1))
                text_x = max(text_x, x + 4)  # the figure never sits on the capacity tick
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(text_x, y, 56, row), Qt.AlignLeft | Qt.AlignVCenter, _number(bar.value))
        painter.end()


class Pyramid(_Chart):
    """Population by age band and sex: men to the left, women to the right."""

    def __init__(self, title: str = "", parent=None):
        super().__init__(title, parent)
        self.rows: list[tuple[str, int, int]] = []
        self.legend = ("", "")

    def set_rows(self, rows: list[tuple[str, int, int]], male_label: str, female_label: str) -> None:
        self.rows, self.legend = rows, (male_label, female_label)
        self.setMinimumHeight(60 + 26 * max(len(rows), 1))
        self.update()

    def paintEvent(self, _event) -> None:
        painter, area = self._begin()
        if not self.rows:
            painter.end()
            return
        label_width = max(painter.fontMetrics().horizontalAdvance(r[0]) for r in self.rows) + 12
        centre = area.left() + (area.width() - label_width) / 2
        half = (area.width() - label_width) / 2 - 40
        scale = max(max(max(m, f) for _l, m, f in self.rows), 1)
        row = min(26.0, (area.height() - 20) / len(self.rows))
        for i, (label, male, female) in enumerate(reversed(self.rows)):
            y = area.top() + i * row
            male_w, female_w = half * male / scale, half * female / scale
            painter.fillRect(QRectF(centre - male_w, y + 3, male_w, row - 6), MALE)
            painter.fillRect(QRectF(centre + label_width, y + 3, female_w, row - 6), FEMALE)
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(centre, y, label_width, row), Qt.AlignCenter, label)
            painter.drawText(QRectF(centre - male_w - 52, y, 48, row), Qt.AlignRight | Qt.AlignVCenter, _number(male))
            painter.drawText(
                QRectF(centre + label_width + female_w + 4, y, 52, row), Qt.AlignLeft | Qt.AlignVCenter, _number(female)
            )
        y = area.top() + len(self.rows) * row + 2
        painter.fillRect(QRectF(area.left(), y + 4, 10, 10), MALE)
        painter.drawText(QRectF(area.left() + 14, y, 200, 18), Qt.AlignLeft | Qt.AlignVCenter, self.legend[0])
        painter.fillRect(QRectF(area.right() - 120, y + 4, 10, 10), FEMALE)
        painter.drawText(QRectF(area.right() - 106, y, 106, 18), Qt.AlignLeft | Qt.AlignVCenter, self.legend[1])
        painter.end()
