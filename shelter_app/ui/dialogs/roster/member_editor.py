"""The fields of one household member, in the order of the paper form, with the checks that
run while typing: the NIK against the sex and birth date, and names already on the roster.

Enter moves to the next field; Enter on the phone (or Ctrl+Enter anywhere) submits the member.
"""

from __future__ import annotations

import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGridLayout, QHBoxLayout, QLineEdit, QSpinBox, QWidget

from shelter_app.domain import identity, regions
from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import N_, _, tr, translate
from shelter_app.services import roster
from shelter_app.ui.forms.fields import BirthDateEdit, EnterMovesOn, RelationshipBox, SexBox
from shelter_app.ui.forms.formatting import fmt_date, masked, sex_word
from shelter_app.ui.forms.layout import field_row, message_label, say
from shelter_app.ui.forms.palette import ERROR_STYLE, FINE_STYLE, HINT_STYLE, NOTICE_STYLE
from shelter_app.ui.widgets.errors import FieldErrors

FLAGS = (
    ("pregnant", N_("&Pregnant")),
    ("lactating", N_("&Breast-feeding")),
    ("disability", N_("Dis&ability")),
    ("chronic_illness", N_("C&hronic illness")),
    ("unaccompanied_child", N_("Unaccompanied &child")),
)


class MemberEditor(QWidget):
    """The fields of one member, with the NIK and duplicate checks that run while typing."""

    submitted = Signal()

    def __init__(self, errors: FieldErrors, kk_of_household=lambda: None, parent=None):
        super().__init__(parent)
        self.errors = errors
        self._kk = kk_of_household
        self.exclude_id = None  # the person being corrected: not a duplicate of themself
        self._from_nik: set[str] = set()  # fields the NIK filled in, refilled when it changes
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignLeft | Qt.AlignTop)

        self.name = QLineEdit(objectName="name")
        self.name.setPlaceholderText(tr("As written on the KK or as the person says it"))
        self.duplicate_hint = message_label("duplicate_hint")
        field_row(form, tr("&Name"), self.name, self.name, self.errors.add("name", self.name), self.duplicate_hint)

        self.nik = QLineEdit(objectName="nik")
        self.nik.setPlaceholderText(tr("16 digits; leave empty when the person has no card"))
        self.nik.setMaxLength(24)
        self.nik_check = message_label("nik_check")
        field_row(form, tr("N&IK"), self.nik, self.nik, self.errors.add("nik", self.nik), self.nik_check)

        self.sex = SexBox()
        self.sex.setObjectName("sex")
        field_row(form, tr("&Sex"), self.sex, self.sex, self.errors.add("sex", self.sex))

        birth = QHBoxLayout()
        self.birth_date = BirthDateEdit()
        self.birth_date.setObjectName("birth_date")
        self.age_only = QCheckBox(tr("Age only (birth date &unknown)"), objectName="age_only")
        self.age = QSpinBox(objectName="age_years")
        self.age.setRange(0, 120)
        self.age.setSuffix(" " + tr("years"))
        self.age.setEnabled(False)
        birth.addWidget(self.birth_date)
        birth.addWidget(self.age_only)
        birth.addWidget(self.age)
        birth.addStretch(1)
        field_row(
            form,
            tr("Birth &date"),
            self.birth_date,
            birth,
            self.errors.add("birth_date", self.birth_date),
            self.errors.add("age_years", self.age),
        )

        self.relationship = RelationshipBox()
        self.relationship.setObjectName("relationship")
        field_row(
            form,
            tr("&Relationship to the head"),
            self.relationship,
            self.relationship,
            self.errors.add("relationship", self.relationship),
        )

        facts = QGridLayout()
        facts.setHorizontalSpacing(16)
        self.flags: dict[str, QCheckBox] = {}
        for name, label in FLAGS:
            self.flags[name] = QCheckBox(translate(label), objectName=name)
        self.disability_note = QLineEdit(objectName="disability_note")
        self.disability_note.setPlaceholderText(tr("Disability details (optional)"))
        self.disability_note.setEnabled(False)
        # In the order of the paper form: pregnant, breast-feeding, disability (details), ill, alone.
        facts.addWidget(self.flags["pregnant"], 0, 0)
        facts.addWidget(self.flags["lactating"], 0, 1)
        facts.addWidget(self.flags["disability"], 1, 0)
        facts.addWidget(self.disability_note, 1, 1)
        facts.addWidget(self.flags["chronic_illness"], 2, 0)
        facts.addWidget(self.flags["unaccompanied_child"], 2, 1)
        facts.setColumnStretch(1, 1)
        field_row(
            form,
            tr("Vulnerable"),
            None,
            facts,
            *[
                self.errors.add(name, self.flags.get(name) or self.disability_note)
                for name in ("pregnant", "lactating", "unaccompanied_child", "disability_note")
            ],
        )

        self.phone = QLineEdit(objectName="phone")
        self.phone.setPlaceholderText(tr("e.g. 0812 3456 7890 — Enter saves the member"))
        field_row(form, tr("Ph&one"), self.phone, self.phone, self.errors.add("phone", self.phone))

        f = self.flags
        self.order = [
            self.name,
            self.nik,
            self.sex,
            self.birth_date,
            self.age_only,
            self.age,
            self.relationship,
            f["pregnant"],
            f["lactating"],
            f["disability"],
            self.disability_note,
            f["chronic_illness"],
            f["unaccompanied_child"],
            self.phone,
        ]
        self.enter = EnterMovesOn(self, self.submitted.emit)
        self.enter.last = self.phone
        for widget in self.order:
            widget.installEventFilter(self.enter)

        self._duplicate_timer = QTimer(self, singleShot=True, interval=300)
        self._duplicate_timer.timeout.connect(self.check_duplicates)
        self.name.textEdited.connect(lambda _text: self._duplicate_timer.start())
        self.birth_date.textEdited.connect(lambda _text: self._birth_changed())
        self.nik.textEdited.connect(lambda _text: (self.errors.clear_field("nik"), self.check_nik()))
        self.sex.currentIndexChanged.connect(lambda _index: self._sex_changed())
        self.age_only.toggled.connect(self._age_only_toggled)
        self.age.valueChanged.connect(lambda _value: self.check_nik())
        self.flags["disability"].toggled.connect(self.disability_note.setEnabled)

    # --- order of the fields -----------------------------------------------------------

    def chain_tab_order(self, before: QWidget | None = None, after: QWidget | None = None) -> None:
        chain = ([before] if before else []) + self.order + ([after] if after else [])
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    def _age_only_toggled(self, on: bool) -> None:
        self.age.setEnabled(on)
        self.birth_date.setEnabled(not on)
        if on:
            self.age.setFocus()
            self.age.selectAll()
        self.check_nik()

    def _birth_changed(self) -> None:
        self._from_nik.discard("birth_date")
        self._duplicate_timer.start()
        self.check_nik()

    def _sex_changed(self) -> None:
        if not self._filling:
            self._from_nik.discard("sex")
        self.check_nik()

    _filling = False

    # --- checks while typing -----------------------------------------------------------

    def entered_birth(self) -> tuple[datetime.date | None, bool]:
        """(birth date, estimated) as entered so far; None while not entered."""
        if self.age_only.isChecked():
            return roster.estimated_birth_date(self.age.value(), datetime.date.today()), True
        return self.birth_date.date_value(), False

    def check_nik(self) -> None:
        """Explain at once what a complete NIK says against the sex and birth date entered."""
        text = self.nik.text()
        digits = identity.normalize_number(text)
        if not digits:
            say(self.nik_check, "")
            return
        if digits.isdigit() and len(digits) < identity.NUMBER_LENGTH:
            say(self.nik_check, tr("{n} of 16 digits", n=len(digits)), HINT_STYLE)
            return
        self._fill_from_nik(text)
        birth, estimated = self.entered_birth()
        try:
            info, notices = identity.check_nik(
                text, birth_date=birth, sex=self.sex.code() or None, birth_date_estimated=estimated
            )
        except RuleViolation as problem:
            say(self.nik_check, problem.text(), ERROR_STYLE)
            return
        if notices:
            say(self.nik_check, " ".join(n.text() for n in notices), NOTICE_STYLE)
            return
        district = regions.district_from_compact(info.nik[:6])
        place = regions.full_name(district) if district else info.district_code
        say(
            self.nik_check,
            tr(
                "NIK fits: {sex}, born {date}, registered in {place}.",
                sex=sex_word(info.sex).lower(),
                date=fmt_date(info.birth_date),
                place=place,
            ),
            FINE_STYLE,
        )

    def _fill_from_nik(self, text: str) -> None:
        """A valid NIK fills in the sex and birth date not typed yet (the volunteer checks them)."""
        try:
            info = identity.parse_nik(text)
        except RuleViolation:
            return
        self._filling = True
        try:
            if not self.sex.code() or "sex" in self._from_nik:
                self.sex.set_code(info.sex)
                self._from_nik.add("sex")
            if not self.age_only.isChecked() and (self.birth_date.is_blank() or "birth_date" in self._from_nik):
                self.birth_date.set_date(info.birth_date)
                self._from_nik.add("birth_date")
        finally:
            self._filling = False

    def check_duplicates(self) -> None:
        """Point out persons already on the roster with this name and birth date or KK."""
        name = self.name.text().strip()
        birth, _estimated = self.entered_birth()
        kk = self._kk()
        try:
            found = (
                roster.probable_duplicates(
                    name, None if self.age_only.isChecked() else birth, kk, exclude=self.exclude_id
                )
                if len(name) >= 2
                else []
            )
        except RuleViolation:  # signed out meanwhile (the idle lock): the hint waits for the next sign-in
            found = []
        if not found:
            say(self.duplicate_hint, "")
            return
        say(self.duplicate_hint, tr("Already on the roster? {names}", names=describe(found)), NOTICE_STYLE)

    # --- values ------------------------------------------------------------------------

    def values(self) -> dict:
        """The member's fields for ``roster.add_person`` / ``update_person``."""
        data = {
            "name": self.name.text(),
            "nik": self.nik.text().strip() or None,
            "sex": self.sex.code(),
            "relationship": self.relationship.code(),
            "phone": self.phone.text(),
            "disability_note": self.disability_note.text() if self.flags["disability"].isChecked() else "",
            **{name: box.isChecked() for name, box in self.flags.items()},
        }
        if not data["sex"]:
            raise RuleViolation("sex", _("Choose the sex: Male or Female."))
        if self.age_only.isChecked():
            data["age_years"] = self.age.value()
            data["birth_date"] = None
        else:
            birth = self.birth_date.date_value()
            if birth is None:
                if self.birth_date.is_blank():
                    raise RuleViolation(
                        "birth_date", _('Enter the birth date, or tick "Age only" and enter the age in years.')
                    )
                raise RuleViolation(
                    "birth_date", _("This is not a real date; type day, month and year, e.g. 09/07/1984.")
                )
            data["birth_date"] = birth
            data["birth_date_estimated"] = False
        return data

    def clear(self, relationship: str) -> None:
        for widget in (self.name, self.nik, self.birth_date, self.phone, self.disability_note):
            widget.clear()
        self.sex.set_code("")
        self.age_only.setChecked(False)
        self.age.setValue(0)
        for box in self.flags.values():
            box.setChecked(False)
        self.relationship.set_code(relationship)
        self._from_nik.clear()
        self.exclude_id = None
        say(self.nik_check, "")
        say(self.duplicate_hint, "")
        self.name.setFocus()

    def set_person(self, person) -> None:
        """Fill in a person to correct."""
        self.clear(person.relationship)
        self.exclude_id = person.id
        self.name.setText(person.name)
        self.nik.setText(person.nik or "")
        self.sex.set_code(person.sex)
        if person.birth_date_estimated:
            self.age_only.setChecked(True)
            self.age.setValue(roster.age_on(person.birth_date, datetime.date.today()))
        else:
            self.birth_date.set_date(person.birth_date)
        for name, box in self.flags.items():
            box.setChecked(bool(getattr(person, name)))
        self.disability_note.setText(person.disability_note or "")
        self.phone.setText(person.phone or "")
        self.check_nik()


def describe(persons) -> str:
    """Siti Aminah (born 12/03/1985, KK ••••1234); ... — enough to recognise someone."""
    parts = []
    for person in persons[:4]:
        kk = person.household.kk
        card = tr(", KK {kk}", kk=masked(kk)) if kk else ""
        parts.append(tr("{name} (born {date}{card})", name=person.name, date=fmt_date(person.birth_date), card=card))
    more = tr(" and {n} more", n=len(persons) - 4) if len(persons) > 4 else ""
    return "; ".join(parts) + more
