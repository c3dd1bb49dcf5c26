"""Household cards: one card per household at a site, six to an A4 sheet, to cut out.

Each card shows the head of the household, the members present, the site and the KK masked
to its last four digits, and carries a QR code holding the household's id (32 hex digits):
a USB scanner types it into the window's search field at distributions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from reportlab.lib.units import mm
from reportlab.platypus.flowables import Flowable

from shelter_app.domain import choices
from shelter_app.i18n import ntr, tr, translate
from shelter_app.reports import fonts
from shelter_app.reports.charts import _fit, draw_qr
from shelter_app.reports.common import event_name, language, paragraph, resolve_day, resolve_site
from shelter_app.reports.document import Rendered, Report
from shelter_app.reports.fmt import mask_number
from shelter_app.reports.style import FRAME_HEIGHT, FRAME_WIDTH, PALETTE
from shelter_app.services import audit
from shelter_app.services.access import requires
from shelter_app.services.residents import ResidentHousehold, residents_by_household
from shelter_app.services.roster import age_on

COLUMNS, ROWS = 2, 3
CARDS_PER_SHEET = COLUMNS * ROWS
QR_SIZE = 30 * mm


@dataclass
class CardsData:
    event: str
    site: str
    day: datetime.date
    households: list[ResidentHousehold] = field(default_factory=list)


def collect(site, day=None) -> CardsData:
    site = resolve_site(site)
    day = resolve_day(day) if day else datetime.date.today()
    return CardsData(event_name(site), site.name, day, residents_by_household(site.id, day))


class CardSheet(Flowable):
    """Up to six cards on one page, with dashed cutting lines between them."""

    def __init__(self, households: list[ResidentHousehold], site: str, event: str, day: datetime.date, fmt):
        super().__init__()
        self.households = households
        self.site = site
        self.event = event
        self.day = day
        self.fmt = fmt
        self.width, self.height = FRAME_WIDTH, FRAME_HEIGHT - 2
        self.card_w = self.width / COLUMNS
        self.card_h = self.height / ROWS
        self.texts = {
            "title": tr("Household card"),
            "head": tr("Head of household"),
            "members": tr("Members at the site"),
            "site": tr("Site"),
            "kk": tr("KK"),
            "more": tr("and {n} more"),
            "no_head": tr("(no head recorded)"),
        }
        self.relationships = {code: translate(label) for code, label in choices.RELATIONSHIPS.items()}

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        canvas.saveState()
        canvas.setDash(3, 3)
        canvas.setStrokeColor(PALETTE["rule"])
        canvas.setLineWidth(0.5)
        for col in range(1, COLUMNS):
            canvas.line(col * self.card_w, 0, col * self.card_w, self.height)
        for row in range(1, ROWS):
            canvas.line(0, row * self.card_h, self.width, row * self.card_h)
        canvas.setDash()
        canvas.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        canvas.restoreState()
        for index, household in enumerate(self.households):
            col, row = index % COLUMNS, index // COLUMNS
            x = col * self.card_w
            y = self.height - (row + 1) * self.card_h
            self._card(household, x, y)

    def _card(self, household: ResidentHousehold, x: float, y: float) -> None:
        canvas = self.canv
        fmt = self.fmt
        pad = 4 * mm
        w, h = self.card_w, self.card_h
        inner_w = w - 2 * pad
        canvas.saveState()
        # Band across the top: what the card is and where it belongs.
        band_h = 7 * mm
        canvas.setFillColor(PALETTE["header_fill"])
        canvas.rect(x + 1.5, y + h - band_h - 1.5, w - 3, band_h, stroke=0, fill=1)
        canvas.setFillColor(PALETTE["accent"])
        canvas.setFont(fonts.BOLD, 8.5)
        canvas.drawString(x + pad, y + h - band_h + 3.5, self.texts["title"])
        canvas.setFont(fonts.REGULAR, 7)
        title_w = canvas.stringWidth(self.texts["title"], fonts.BOLD, 8.5)
        canvas.drawRightString(
            x + w - pad, y + h - band_h + 3.5, _fit(self.site, fonts.REGULAR, 7, inner_w - title_w - 8)
        )

        # QR code at the right, the id typed under it for when no scanner is at hand.
        qr_x = x + w - pad - QR_SIZE
        qr_y = y + h - band_h - 3 - QR_SIZE
        draw_qr(canvas, household.id.hex, qr_x, qr_y, QR_SIZE)
        canvas.setFillColor(PALETTE["muted"])
        canvas.setFont(fonts.REGULAR, 5.2)
        code = household.id.hex
        canvas.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 3, code[:16])
        canvas.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 9, code[16:])

        # The head, the KK and the members, left of the code.
        text_w = qr_x - (x + pad) - 4
        top = y + h - band_h - 1.5 - 10
        head = household.head
        canvas.setFillColor(PALETTE["muted"])
        canvas.setFont(fonts.REGULAR, 6.5)
        canvas.drawString(x + pad, top, self.texts["head"])
        canvas.setFillColor(PALETTE["ink"])
        canvas.setFont(fonts.BOLD, 11)
        canvas.drawString(
            x + pad, top - 12.5, _fit(head.name if head else self.texts["no_head"], fonts.BOLD, 11, text_w)
        )
        canvas.setFont(fonts.REGULAR, 8)
        kk = f"{self.texts['kk']}: {mask_number(household.kk)}" if household.kk else tr("Without a KK")
        canvas.drawString(x + pad, top - 24, kk)
        canvas.setFillColor(PALETTE["muted"])
        canvas.setFont(fonts.REGULAR, 6.5)
        canvas.drawString(x + pad, top - 35, self.texts["members"] + f" ({fmt.n(len(household.members))})")

        # The members present, across the whole card under the code.
        line_h, size = 9.6, 7.5
        first = min(top - 48, qr_y - 20)
        bottom = y + pad
        room = int((first - bottom) // line_h) + 1
        members = household.members
        shown = members if len(members) <= room else members[: room - 1]
        relation_x = x + pad + inner_w * 0.55
        canvas.setFont(fonts.REGULAR, size)
        for number, member in enumerate(shown):
            line_y = first - number * line_h
            age = age_on(member.birth_date, self.day)
            age_text = f"±{age}" if member.birth_date_estimated else str(age)
            sex = tr("M") if member.sex == "L" else tr("F")
            relation = self.relationships.get(member.relationship, member.relationship)
            canvas.setFillColor(PALETTE["ink"])
            canvas.drawString(x + pad, line_y, _fit(member.name, fonts.REGULAR, size, relation_x - x - pad - 6))
            canvas.setFillColor(PALETTE["muted"])
            canvas.drawString(relation_x, line_y, _fit(relation, fonts.REGULAR, size, inner_w * 0.3))
            canvas.setFillColor(PALETTE["ink"])
            canvas.drawRightString(x + pad + inner_w, line_y, f"{sex} · {age_text}")
        if len(shown) < len(members):
            canvas.setFont(fonts.BOLD, size)
            canvas.drawString(
                x + pad,
                first - len(shown) * line_h,
                self.texts["more"].replace("{n}", fmt.n(len(members) - len(shown))),
            )
        canvas.restoreState()


def render(data: CardsData, lang: str = "id", generated_at=None) -> Rendered:
    with language(lang) as fmt:
        title = tr("Household cards")
        subtitle = ntr(
            "{event} · {site} · {n} household on {date}",
            "{event} · {site} · {n} households on {date}",
            len(data.households),
            event=data.event,
            site=data.site,
            n=fmt.n(len(data.households)),
            date=fmt.date(data.day),
        )
        report = Report(title, subtitle, lang, confidential=True, generated_at=generated_at)
        sheets = [
            CardSheet(data.households[i : i + CARDS_PER_SHEET], data.site, data.event, data.day, fmt)
            for i in range(0, len(data.households), CARDS_PER_SHEET)
        ]
        if not sheets:
            sheets = [paragraph(tr("Nobody is staying at this site on this day."))]
        return report.build(sheets)


@requires("reports.personal")
def household_cards(site, day=None, lang: str = "id", out=None, generated_at=None) -> Rendered:
    """Cards of the households at a site on ``day`` (today when not given); in the audit trail."""
    data = collect(site, day)
    rendered = render(data, lang, generated_at)
    saved = rendered.save(out) if out else rendered
    persons = sum(len(h.members) for h in data.households)
    audit.record("print", persons=persons, target=str(out or ""), report="cards")
    return saved
