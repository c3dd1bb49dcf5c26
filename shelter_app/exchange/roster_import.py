"""Importing a roster from a CSV or XLSX file: households, persons and their check-ins.

Lists reach a posko as Excel files typed by village heads, KoboToolbox exports and lists from
other sites. Headers may be English or Indonesian in any case (or mapped by the user, and the
mapping saved); values are read the way people type them. Every row passes the same rules as
typed entry; rows become households (by KK, or by a household column) and persons checked in
at a site. A person already on the roster (same NIK, or same name and birth date in the same
household/KK) is matched, not duplicated, so importing a file twice adds nothing the second time.

Without ``valid_only`` one bad row means nothing is imported; with it the good rows are
imported and the bad ones reported (``write_errors``). Every problem names the row number in
the file, the column and what is wrong, in the user's language.

Speed: rows are validated in Python with the database read in batches (never one query per
row), then written in one transaction with ``records.bulk_create``; the presence index is
refreshed in the same transaction. A cancelled, failed or killed import leaves nothing.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from shelter_app.domain import choices, identity, regions
from shelter_app.domain.errors import RuleViolation
from shelter_app.exchange.tables import Table, cell_text, read_table, write_rows
from shelter_app.history import records
from shelter_app.i18n import LANGUAGES, N_, Msg, _, translate
from shelter_app.services import checks, presence, roster
from shelter_app.services.access import requires
from shelter_app.storage import lock
from shelter_app.storage.models import Household, Person, Site, Stay, database

MAPPING_SETTING = "import_column_mapping"
CHUNK = 500
TICK = 1000  # rows between progress reports and cancel checks

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]


class ImportCancelled(Exception):
    """Raised inside the import's transaction when ``cancelled()`` says so; nothing is kept."""


# --- columns -----------------------------------------------------------------------------

# field -> (label msgid, header spellings after normalize_header). The first spelling is the
# English header the export writes, the second the Indonesian one.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "site": (N_("Site"), ("site", "lokasi", "posko", "site_name", "nama_lokasi", "lokasi_pengungsian", "nama_posko")),
    "household": (
        N_("Household"),
        ("household", "rumah_tangga", "household_id", "id_rumah_tangga", "keluarga", "id_keluarga", "no_keluarga"),
    ),
    "kk": (
        N_("KK number"),
        ("kk", "no_kk", "nomor_kk", "kk_number", "no_kartu_keluarga", "nomor_kartu_keluarga", "family_card"),
    ),
    "nik": (N_("NIK"), ("nik", "no_nik", "nomor_nik", "nomor_induk_kependudukan", "ktp", "no_ktp")),
    "name": (N_("Name"), ("name", "nama", "nama_lengkap", "full_name", "nama_pengungsi")),
    "sex": (N_("Sex"), ("sex", "jenis_kelamin", "gender", "jk", "kelamin", "l_p")),
    "birth_date": (N_("Birth date"), ("birth_date", "tanggal_lahir", "tgl_lahir", "date_of_birth", "dob")),
    "birth_date_estimated": (
        N_("Birth date estimated"),
        ("birth_date_estimated", "tanggal_lahir_perkiraan", "perkiraan_tanggal_lahir"),
    ),
    "age": (N_("Age"), ("age", "umur", "usia", "age_years")),
    "relationship": (
        N_("Relationship to the head"),
        (
            "relationship",
            "hubungan",
            "hubungan_keluarga",
            "shdk",
            "status_hubungan_dalam_keluarga",
            "hubungan_dengan_kk",
        ),
    ),
    "pregnant": (N_("Pregnant"), ("pregnant", "hamil", "ibu_hamil")),
    "lactating": (N_("Breast-feeding"), ("lactating", "menyusui", "ibu_menyusui", "breastfeeding")),
    "disability": (N_("Disability"), ("disability", "disabilitas", "difabel", "penyandang_disabilitas")),
    "disability_note": (N_("Disability details"), ("disability_note", "keterangan_disabilitas", "jenis_disabilitas")),
    "chronic_illness": (N_("Chronic illness"), ("chronic_illness", "penyakit_kronis", "sakit_kronis")),
    "unaccompanied_child": (
        N_("Unaccompanied child"),
        ("unaccompanied_child", "anak_tanpa_pendamping", "anak_terpisah"),
    ),
    "arrival_date": (
        N_("Arrival date"),
        ("arrival_date", "tanggal_datang", "tanggal_kedatangan", "tgl_datang", "arrived_on", "tanggal_masuk"),
    ),
    "origin_village_code": (
        N_("Village of origin code"),
        ("origin_village_code", "kode_desa_asal", "kode_desa", "village_code"),
    ),
    "address": (N_("Address"), ("address", "alamat", "alamat_asal")),
    "phone": (N_("Phone"), ("phone", "telepon", "no_hp", "nomor_hp", "no_telepon", "telp", "hp", "phone_number")),
    "notes": (N_("Notes"), ("notes", "catatan", "keterangan")),
}
ALIASES = {alias: name for name, (_label, aliases) in FIELDS.items() for alias in aliases}
# Field names of the services' rules -> import fields.
RULE_FIELDS = {"age_years": "age", "arrived_on": "arrival_date"}
BOOLEAN_FIELDS = ("birth_date_estimated", *roster.BOOLEAN_FACTS)


def field_label(name: str, lang: str | None = None) -> str:
    return translate(FIELDS[name][0], lang) if name in FIELDS else name


def normalize_header(header) -> str:
    """ " Jenis Kelamin (L/P) " -> "jenis_kelamin"; "group_hh/nama" -> "group_hh/nama"."""
    text = re.sub(r"\(.*?\)", "", str(header or "")).strip().lower()
    return re.sub(r"[^0-9a-z/]+", "_", text).strip("_")


def _guess(header: str) -> str | None:
    key = normalize_header(header)
    if key in ALIASES:
        return ALIASES[key]
    if "/" in key:  # KoboToolbox groups: "household_group/nama"
        return ALIASES.get(key.rsplit("/", 1)[1].strip("_"))
    return None


def saved_mapping() -> dict[str, str]:
    """The user's own header -> field choices, saved with the operation."""
    from shelter_app.services import settings

    return dict(settings.value(MAPPING_SETTING) or {})


def save_mapping(mapping: dict[str, str]) -> None:
    """Remember header -> field choices (normalised headers; "" means "ignore this column")."""
    from shelter_app.services import settings

    unknown = sorted(v for v in mapping.values() if v and v not in FIELDS)
    if unknown:
        raise RuleViolation("mapping", _("Unknown field {names} in the column mapping.", names=", ".join(unknown)))
    merged = saved_mapping()
    merged.update({normalize_header(k): v for k, v in mapping.items() if normalize_header(k)})
    settings.keep(MAPPING_SETTING, merged)


def map_columns(headers: list[str], custom: dict[str, str] | None = None, use_saved: bool = True) -> dict[int, str]:
    """Column index -> field. The user's mapping (given, then saved) beats the built-in names."""
    chosen = {}
    if use_saved:
        chosen.update(saved_mapping())
    chosen.update({normalize_header(k): v for k, v in (custom or {}).items()})
    columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = normalize_header(header)
        target = chosen[key] if key in chosen else _guess(header)
        if not target:
            continue
        if target not in FIELDS:
            raise RuleViolation("mapping", _("Unknown field {names} in the column mapping.", names=target))
        if target in seen:
            raise RuleViolation(
                "mapping",
                _(
                    'The columns "{first}" and "{second}" both hold the {field}; remove one or map it to '
                    "another field.",
                    first=headers[seen[target]],
                    second=header,
                    field=_(FIELDS[target][0]),
                ),
            )
        seen[target] = index
        columns[index] = target
    if "name" not in seen:
        raise RuleViolation(
            "mapping",
            _(
                "No column holds the names (nama / name). The columns found are: {headers}. Map the columns "
                "to fields in the import window, or rename the header.",
                headers=", ".join(h for h in headers if h),
            ),
        )
    return columns


# --- values as people type them ----------------------------------------------------------

SEX_WORDS = {
    "L": (
        "l",
        "lk",
        "laki",
        "laki-laki",
        "laki laki",
        "lakilaki",
        "laki2",
        "laki-laki (l)",
        "pria",
        "m",
        "male",
        "man",
        "boy",
        "cowok",
    ),
    "P": ("p", "pr", "pr.", "perempuan", "wanita", "f", "female", "woman", "girl", "w", "cewek"),
}
SEX_VALUES = {word: code for code, words in SEX_WORDS.items() for word in words}
YES = {"ya", "y", "yes", "1", "true", "benar", "iya", "v", "x", "\u2713", "ada"}
NO = {"", "tidak", "t", "tdk", "n", "no", "0", "false", "salah", "bukan", "-", "tidak ada", "none"}
BOOLEAN_VALUES = {**dict.fromkeys(NO, False), **dict.fromkeys(YES, True)}
RELATIONSHIP_WORDS = {
    "head": (
        "kepala keluarga",
        "kepala rumah tangga",
        "kepala",
        "kk",
        "krt",
        "head",
        "head of household",
        "household head",
    ),
    "husband": ("suami", "husband"),
    "wife": ("istri", "isteri", "wife"),
    "child": ("anak", "anak kandung", "anak tiri", "anak angkat", "child", "son", "daughter"),
    "child_in_law": ("menantu", "son-in-law", "daughter-in-law", "child in law", "child-in-law"),
    "grandchild": ("cucu", "grandchild", "grandson", "granddaughter"),
    "parent": ("orang tua", "orangtua", "ortu", "ayah", "ibu", "bapak", "parent", "father", "mother"),
    "parent_in_law": ("mertua", "parent-in-law", "parent in law", "father-in-law", "mother-in-law"),
    "relative": (
        "famili lain",
        "famili",
        "saudara",
        "keponakan",
        "adik",
        "kakak",
        "paman",
        "bibi",
        "relative",
        "other relative",
    ),
    "helper": ("pembantu", "asisten rumah tangga", "art", "helper", "domestic helper", "maid"),
    "other": ("lainnya", "lain-lain", "lain lain", "other", "others"),
}
MONTHS = {
    "jan": 1,
    "januari": 1,
    "january": 1,
    "feb": 2,
    "februari": 2,
    "pebruari": 2,
    "february": 2,
    "mar": 3,
    "maret": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "mei": 5,
    "may": 5,
    "jun": 6,
    "juni": 6,
    "june": 6,
    "jul": 7,
    "juli": 7,
    "july": 7,
    "agu": 8,
    "agt": 8,
    "agus": 8,
    "agustus": 8,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "okt": 10,
    "oktober": 10,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "nopember": 11,
    "november": 11,
    "des": 12,
    "desember": 12,
    "dec": 12,
    "december": 12,
}
EXCEL_EPOCH = datetime.date(1899, 12, 30)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_WORDS = re.compile(r"^(\d{1,2})[\s\-]+([A-Za-z]+)\.?[\s\-]+(\d{4})$")
_MASKED = re.compile(r"^(\d{6})?[•*xX]{2,}\d{4}$")  # identity.mask: 320311••••••0002 (older: ••••0002)
_AGE = re.compile(r"^(\d{1,3})(?:[.,]0+)?\s*(?:th|thn|tahun|years?|yrs?|y)?\.?$", re.IGNORECASE)


def _relationship_lookup() -> dict[str, str]:
    table = {}
    for code, words in RELATIONSHIP_WORDS.items():
        for word in words:
            table[word] = code
    for code, label in choices.RELATIONSHIPS.items():
        table[code] = code
        table[code.replace("_", " ")] = code
        for lang in LANGUAGES:
            table.setdefault(" ".join(translate(label, lang).lower().split()), code)
    return table


RELATIONSHIP_VALUES = _relationship_lookup()


def parse_sex(value) -> str:
    text = " ".join(cell_text(value).lower().split())
    if not text:
        raise RuleViolation("sex", _("{label} is required.", label=_("Sex")))
    if text in SEX_VALUES:
        return SEX_VALUES[text]
    raise RuleViolation(
        "sex",
        _(
            'Sex: "{value}" is not understood; write L or P (also Laki-laki/Perempuan, M/F, male/female).',
            value=cell_text(value),
        ),
    )


def parse_yes_no(name: str, value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = " ".join(cell_text(value).lower().split())
    if text in YES:
        return True
    if text in NO:
        return False
    raise RuleViolation(
        name,
        _(
            '{label}: "{value}" is not understood; write ya or tidak (also y/n, 1/0, true/false).',
            label=_(FIELDS[name][0]),
            value=cell_text(value),
        ),
    )


def parse_relationship(value) -> str:
    text = " ".join(cell_text(value).lower().replace("_", " ").split())
    if not text:
        return "other"
    if text in RELATIONSHIP_VALUES:
        return RELATIONSHIP_VALUES[text]
    return text  # unknown: the typed-entry rule refuses it with the list of choices


def _date_error(name: str, value) -> RuleViolation:
    return RuleViolation(
        name,
        _(
            '{label}: "{value}" is not a date; write it as 2022-11-21 or 21/11/2022.',
            label=_(FIELDS[name][0]),
            value=cell_text(value),
        ),
    )


def parse_date(name: str, value) -> datetime.date | None:
    """A date as typed: 2022-11-21, 21/11/2022, 21-11-2022, 21 Nov 2022, or an Excel serial."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(name, value, value)
    text = cell_text(value)
    if not text:
        return None
    try:
        if (match := _ISO.match(text)) or (match := _YMD_SLASH.match(text)):
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DMY.match(text):
            return datetime.date(int(match[3]), int(match[2]), int(match[1]))
        if (match := _WORDS.match(text)) and match[2].lower() in MONTHS:
            return datetime.date(int(match[3]), MONTHS[match[2].lower()], int(match[1]))
    except ValueError:
        raise RuleViolation(
            name,
            _(
                '{label}: "{value}" is not a real date (day or month out of range); '
                "write it as 2022-11-21 or 21/11/2022 (day/month/year).",
                label=_(FIELDS[name][0]),
                value=text,
            ),
        ) from None
    if re.fullmatch(r"\d+(?:[.,]0+)?", text):
        return _serial(name, float(text.replace(",", ".")), text)
    raise _date_error(name, value)


def _serial(name: str, number: float, shown) -> datetime.date:
    """An Excel date serial (days since 1899-12-30). A bare year (1980) is refused, not guessed."""
    if 1900 <= number <= 2100 and float(number).is_integer():
        raise RuleViolation(
            name,
            _(
                '{label}: "{value}" is only a year; write the whole date, or give the age instead.',
                label=_(FIELDS[name][0]),
                value=cell_text(shown),
            ),
        )
    if not 1 <= number < 2958466:
        raise _date_error(name, shown)
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


def id_number(name: str, value) -> tuple[str | None, bool]:
    """(the number as typed, masked?) for a NIK or KK cell; the rules are identity's.

    A cell that Excel holds as a number has lost its last digit(s) (Excel keeps 15): refused
    with an explanation rather than guessed. A masked number (••••••••••••1234, from an export
    without --full-nik) counts as absent.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = f"{float(value):.5E}"  # as Excel shows it: 3.20301E+15
        label = _("NIK") if name == "nik" else _("KK number")
        raise RuleViolation(
            name,
            _(
                'The {label} "{text}" was turned into a number by a spreadsheet, which lost its last digits. '
                "Format the column as text and type all 16 digits again.",
                label=label,
                text=shown,
            ),
        )
    if isinstance(value, str) and value.isdigit():
        return value, False  # the common case, checked by identity's rules later
    text = cell_text(value)
    compact = text.replace(" ", "")
    if _MASKED.match(compact):
        return None, True
    if not identity.normalize_number(text):
        return None, False
    return text, False


def parse_age(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() else value
    text = cell_text(value)
    match = _AGE.match(text)
    return int(match[1]) if match else text


def parse_phone(value) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = cell_text(value)
        # Excel drops the leading 0 of 0812...: put it back for Indonesian mobile numbers.
        return "0" + digits if digits.startswith("8") else digits
    return cell_text(value)


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """What is wrong with one row: its number in the file, the column (as headed there) and why."""

    row: int
    column: str
    field: str
    message: Msg

    def text(self, lang: str | None = None) -> str:
        return _("Row {row}, {column}: {problem}", row=self.row, column=self.column, problem=self.message).text(lang)


@dataclass
class Summary:
    rows: int = 0
    rows_rejected: int = 0
    persons_created: int = 0
    persons_matched: int = 0
    households_created: int = 0
    households_matched: int = 0
    stays_created: int = 0

    @property
    def rows_accepted(self) -> int:
        return self.rows - self.rows_rejected


@dataclass
class ImportResult:
    summary: Summary
    problems: list[Problem]
    imported: bool  # whether the database was changed
    dry_run: bool
    valid_only: bool
    table: Table | None = None
    columns: dict[int, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    backup: Path | None = None

    def problems_by_row(self) -> dict[int, list[Problem]]:
        grouped: dict[int, list[Problem]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.row, []).append(problem)
        return grouped


# --- planning: every check, no change ------------------------------------------------------


@dataclass
class _Site:
    id: uuid.UUID
    name: str
    opened_on: datetime.date
    closed_on: datetime.date | None
    event_start: datetime.date


@dataclass
class _Row:
    number: int
    cells: list
    problems: list[Problem] = field(default_factory=list)
    person: dict | None = None
    group: tuple | None = None
    kk: str | None = None
    site: _Site | None = None
    arrival: datetime.date | None = None
    origin: str = ""
    address: str = ""
    outcome: str = ""  # create / match / reject
    person_id: uuid.UUID | None = None
    household_id: uuid.UUID | None = None  # of a matched person
    new_stay: bool = False
    stay_id: uuid.UUID | None = None


@dataclass
class _Group:
    key: tuple
    first_row: int
    kk: str | None = None
    kk_row: int = 0
    label: str | None = None
    existing: uuid.UUID | None = None
    new_id: uuid.UUID | None = None
    origin: str = ""
    origin_row: int = 0
    address: str = ""
    head: str | None = None  # name of the head, existing or imported
    head_sex: str | None = None
    members: dict = field(default_factory=dict)  # (name_key, birth or age) -> row
    kk_conflict: str | None = None
    created: bool = False  # a new household, with at least one new member
    used: bool = False


def _load_sites() -> dict[str, _Site]:
    from shelter_app.storage.models import Event

    found = {}
    query = (
        Site.select(Site.id, Site.name, Site.opened_on, Site.closed_on, Event.started_on)
        .join(Event)
        .where(records.live(Site))
        .tuples()
    )
    for site_id, name, opened, closed, start in query:
        site = _Site(site_id, name, opened, closed, start)
        found[" ".join(name.split()).lower()] = site
        found[site_id.hex] = site
    return found


def _chunks(values, size: int = CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Planner:
    def __init__(
        self,
        table: Table,
        columns: dict[int, str],
        default_site,
        default_date,
        today,
        progress: ProgressFn | None,
        cancelled: CancelledFn | None,
        total_ticks: int,
    ):
        self.table = table
        self.columns = columns
        self.header_of = {name: table.headers[index] for index, name in columns.items()}
        self.today = today
        self.sites = _load_sites()
        self.default_site = default_site
        self.default_date = default_date
        self.progress = progress
        self.cancelled = cancelled
        self.total_ticks = total_ticks
        self.rows: list[_Row] = []
        self.groups: dict[tuple, _Group] = {}
        self.notices: list[Problem] = []
        self.boolean_fields = [name for name in BOOLEAN_FIELDS if name in self.header_of]
        self.kk_cache: dict = {}
        self.date_cache: dict = {}
        self.stay_cache: dict = {}

    def tick(self, done: int) -> None:
        if self.cancelled and self.cancelled():
            raise ImportCancelled()
        if self.progress:
            self.progress(done, self.total_ticks)

    def column(self, name: str) -> str:
        return self.header_of.get(name) or field_label(name)

    def problem(self, row: _Row, name: str, message: Msg) -> None:
        name = RULE_FIELDS.get(name, name)
        row.problems.append(Problem(row.number, self.column(name), name, message))

    # pass 1: each row alone. Values that repeat down a column (KK of a household, site and
    # arrival date, dates) are parsed once and remembered: 100,000 rows stay fast.
    def read_row(self, number: int, cells: list) -> _Row:
        row = _Row(number, cells)
        raw = {name: cells[index] for index, name in self.columns.items()}
        get = raw.get
        data: dict = {
            name: (value.strip() if isinstance(value, str) else cell_text(value))
            for name, value in (
                ("name", get("name")),
                ("disability_note", get("disability_note")),
                ("notes", get("notes")),
            )
        }
        sex = get("sex")
        code = SEX_VALUES.get(sex.strip().lower()) if isinstance(sex, str) else None
        if code is None:
            try:
                code = parse_sex(sex)
            except RuleViolation as error:
                self.problem(row, error.field, error.message)
        data["sex"] = code
        data["relationship"] = parse_relationship(get("relationship"))
        for name in self.boolean_fields:
            value = raw[name]
            flag = BOOLEAN_VALUES.get(value.strip().lower()) if isinstance(value, str) else None
            if flag is None:
                try:
                    flag = parse_yes_no(name, value)
                except RuleViolation as error:
                    self.problem(row, error.field, error.message)
            data[name] = flag
        data["birth_date"] = self.cached_date(row, "birth_date", get("birth_date"))
        age = get("age")
        data["age_years"] = parse_age(age) if cell_text(age) else None
        data["phone"] = parse_phone(get("phone"))
        data["nik"] = None
        try:
            data["nik"] = id_number("nik", get("nik"))[0]
        except RuleViolation as error:
            self.problem(row, error.field, error.message)
        kk = get("kk")
        if kk not in (None, ""):
            key = kk if isinstance(kk, str) else repr(kk)
            if key not in self.kk_cache:
                try:
                    text = id_number("kk", kk)[0]
                    self.kk_cache[key] = (identity.parse_kk(text) if text else None, None)
                except RuleViolation as error:
                    self.kk_cache[key] = (None, error.message)
            row.kk, problem = self.kk_cache[key]
            if problem:
                self.problem(row, "kk", problem)
        if not row.problems:
            try:
                # Ages are on the row's date (its arrival, else --date), not on the day of the import.
                row.person, notices = roster.person_facts(data, self.row_day(get("arrival_date")))
                self.notices += [
                    Problem(number, self.column(RULE_FIELDS.get(n.field, n.field)), n.field, n.message) for n in notices
                ]
            except RuleViolation as error:
                self.problem(row, error.field, error.message)
        elif data["nik"]:
            try:  # report a bad NIK too, not only the first problem of the row
                identity.parse_nik(data["nik"], today=self.today)
            except RuleViolation as error:
                self.problem(row, "nik", error.message)
        self.read_household(row, get)
        self.read_stay(row, get("site"), get("arrival_date"))
        return row

    def row_day(self, arrival_cell) -> datetime.date:
        """The date a row's ages are counted on: its arrival date, else the import's date, else
        today (a bad arrival date is reported by ``read_stay``)."""
        try:
            day = parse_date("arrival_date", arrival_cell) if cell_text(arrival_cell) else None
        except RuleViolation:
            day = None
        if day is None and self.default_date:
            try:
                day = parse_date("date", self.default_date)
            except RuleViolation:
                day = None
        return min(day, self.today) if isinstance(day, datetime.date) else self.today

    def cached_date(self, row: _Row, name: str, value):
        if value is None or value == "":
            return None
        key = (name, value if isinstance(value, str) else repr(value))
        found = self.date_cache.get(key)
        if found is None:
            try:
                found = (parse_date(name, value), None)
            except RuleViolation as error:
                found = (None, error)
            self.date_cache[key] = found
        if found[1] is not None:
            self.problem(row, found[1].field, found[1].message)
        return found[0]

    def read_household(self, row: _Row, get) -> None:
        code = cell_text(get("origin_village_code"))
        if code and not regions.village(code):
            self.problem(
                row,
                "origin_village_code",
                _("Village code {code} is not in the official list; pick the village from the list.", code=code),
            )
        row.origin = code
        address = get("address")
        if address:
            try:
                row.address = checks.text("address", cell_text(address), "Address", required=False, max_length=1000)
            except RuleViolation as error:
                self.problem(row, "address", error.message)
        label = cell_text(get("household"))
        if label:
            row.group = ("label", label)
        elif row.kk:
            row.group = ("kk", row.kk)
        else:
            row.group = ("row", row.number)

    def read_stay(self, row: _Row, site_cell, arrival_cell) -> None:
        key = (
            site_cell if isinstance(site_cell, (str, type(None))) else repr(site_cell),
            arrival_cell if isinstance(arrival_cell, (str, type(None))) else repr(arrival_cell),
        )
        found = self.stay_cache.get(key)
        if found is None:
            found = self.stay_cache[key] = self._stay(site_cell, arrival_cell)
        site, day, problem = found
        if problem:
            self.problem(row, *problem)
        row.site, row.arrival = site, day

    def _stay(self, site_cell, arrival_cell) -> tuple:
        """(site, arrival day, None) or (None, None, (field, message)): the rules of check-in."""
        name = cell_text(site_cell)
        site = self.default_site
        if name:
            site = self.sites.get(" ".join(name.split()).lower())
            if site is None:
                known = ", ".join(sorted({s.name for s in self.sites.values()})) or "-"
                return (
                    None,
                    None,
                    ("site", _('No site is named "{name}". Known sites: {known}.', name=name, known=known)),
                )
        if site is None:
            return (
                None,
                None,
                (
                    "site",
                    _("No site given: add a site (lokasi) column, or choose the site for the whole file (--site)."),
                ),
            )
        try:
            day = parse_date("arrival_date", arrival_cell) or self.default_date or self.today
            day = checks.date("arrived_on", day, "Arrival date", site.event_start)
        except RuleViolation as error:
            return None, None, (error.field, error.message)
        if day < site.opened_on or (site.closed_on is not None and day >= site.closed_on):
            return (
                None,
                None,
                (
                    "arrival_date",
                    _(
                        "{site} is not open on {date}; reopen it or choose another site.",
                        site=site.name,
                        date=day.isoformat(),
                    ),
                ),
            )
        return site, day, None

    # pass 1.5: households of the file
    def gather_groups(self) -> None:
        owner_of_kk: dict[str, _Group] = {}
        for row in self.rows:
            group = self.groups.get(row.group)
            if group is None:
                group = self.groups[row.group] = _Group(row.group, row.number)
                if row.group[0] == "label":
                    group.label = row.group[1]
            if row.kk:
                if group.kk and group.kk != row.kk:
                    self.problem(
                        row,
                        "kk",
                        _(
                            "The KK {kk} differs from the KK {other} of the same household (row {row}).",
                            kk=row.kk,
                            other=group.kk,
                            row=group.kk_row,
                        ),
                    )
                elif row.kk in owner_of_kk and owner_of_kk[row.kk] is not group:
                    other = owner_of_kk[row.kk]
                    self.problem(
                        row,
                        "kk",
                        _(
                            "The KK {kk} also belongs to another household in this file "
                            "(row {row}); one KK is one household.",
                            kk=row.kk,
                            row=other.first_row,
                        ),
                    )
                elif not group.kk:
                    group.kk, group.kk_row = row.kk, row.number
                    owner_of_kk[row.kk] = group
            if row.origin:
                if group.origin and group.origin != row.origin:
                    self.problem(
                        row,
                        "origin_village_code",
                        _(
                            "The village of origin {code} differs from {other} given for the same household (row {row}).",
                            code=row.origin,
                            other=group.origin,
                            row=group.origin_row,
                        ),
                    )
                elif not group.origin:
                    group.origin, group.origin_row = row.origin, row.number
            if row.address and not group.address:
                group.address = row.address

    # the database, read in batches
    def load_existing(self) -> None:
        niks = {r.person["nik"] for r in self.rows if r.person and r.person["nik"]}
        self.by_nik: dict[str, tuple] = {}
        for chunk in _chunks(niks):
            query = (
                Person.select(Person.nik, Person.id, Person.household, Person.name)
                .where(Person.nik.in_(chunk), records.live(Person))
                .tuples()
            )
            for nik, person_id, household_id, name in query:
                self.by_nik[nik] = (person_id, household_id, name)
        kks = {g.kk for g in self.groups.values() if g.kk}
        self.household_by_kk: dict[str, uuid.UUID] = {}
        for chunk in _chunks(kks):
            for kk, household_id in (
                Household.select(Household.kk, Household.id)
                .where(Household.kk.in_(chunk), records.live(Household))
                .tuples()
            ):
                self.household_by_kk[kk] = household_id
        labels = {}
        for group in self.groups.values():
            if group.label:
                try:
                    labels[uuid.UUID(group.label)] = group
                except ValueError:
                    pass
        self.household_by_id: dict[uuid.UUID, tuple] = {}
        nik_household = {}
        for row in self.rows:
            if row.person and row.person["nik"] in self.by_nik:
                nik_household.setdefault(row.group, self.by_nik[row.person["nik"]][1])
        for chunk in _chunks(labels):
            for household_id, kk, deleted in (
                Household.select(Household.id, Household.kk, Household.deleted_at)
                .where(Household.id.in_(chunk))
                .tuples()
            ):
                self.household_by_id[household_id] = (kk, deleted)
        for group in self.groups.values():
            label_id = None
            if group.label:
                try:
                    label_id = uuid.UUID(group.label)
                except ValueError:
                    label_id = None
            known = self.household_by_id.get(label_id) if label_id else None
            if known and known[1] is None:
                group.existing = label_id
                if group.kk and known[0] and known[0] != group.kk:
                    group.kk_conflict = known[0]
            elif group.kk and group.kk in self.household_by_kk:
                group.existing = self.household_by_kk[group.kk]
            elif group.key in nik_household:
                group.existing = nik_household[group.key]  # a member is already on the roster
            else:
                # An id from another copy of the operation is kept, so both copies agree.
                group.new_id = label_id if (label_id and not known) else uuid.uuid4()
        existing = {g.existing for g in self.groups.values() if g.existing}
        self.members: dict[uuid.UUID, list[tuple]] = {}
        for chunk in _chunks(existing):
            query = (
                Person.select(
                    Person.household,
                    Person.id,
                    Person.name,
                    Person.name_key,
                    Person.birth_date,
                    Person.birth_date_estimated,
                    Person.nik,
                    Person.relationship,
                )
                .where(Person.household.in_(chunk), records.live(Person))
                .tuples()
            )
            for household_id, *member in query:
                self.members.setdefault(household_id, []).append(tuple(member))
        names = {r.person["name_key"] for r in self.rows if r.person}
        self.by_name: dict[str, list[tuple]] = {}
        for chunk in _chunks(names):
            query = (
                Person.select(Person.name_key, Person.id, Person.name, Person.birth_date, Household.kk)
                .join(Household)
                .where(Person.name_key.in_(chunk), records.live(Person))
                .tuples()
            )
            for key, *found in query:
                self.by_name.setdefault(key, []).append(tuple(found))

    def load_stays(self, person_ids) -> dict[uuid.UUID, list[tuple]]:
        stays: dict[uuid.UUID, list[tuple]] = {}
        for chunk in _chunks(person_ids):
            query = (
                Stay.select(Stay.person, Stay.site, Stay.arrived_on, Stay.left_on, Site.name)
                .join(Site, on=(Stay.site == Site.id))
                .where(Stay.person.in_(chunk), records.live(Stay))
                .tuples()
            )
            for person_id, *stay in query:
                stays.setdefault(person_id, []).append(tuple(stay))
        return stays

    # pass 2: matching, duplicates inside the file, heads, stays
    def decide(self, progress_base: int) -> None:
        seen_nik: dict[str, int] = {}
        seen_person: dict[tuple, int] = {}  # (name, exact birth date) -> first row
        for group in self.groups.values():
            if group.existing:
                for member in self.members.get(group.existing, []):
                    if member[6] == "head":
                        group.head = member[1]
        matched_ids = []
        for index, row in enumerate(self.rows):
            if index % TICK == 0:
                self.tick(progress_base + index)
            if row.problems or row.person is None or row.site is None:
                row.outcome = "reject"
                continue
            group = self.groups[row.group]
            conflict = group.kk_conflict
            if conflict:
                self.problem(
                    row,
                    "kk",
                    _(
                        "The household {label} has the KK {kk} on the roster, not {other}.",
                        label=group.label,
                        kk=conflict,
                        other=group.kk,
                    ),
                )
                row.outcome = "reject"
                continue
            p = row.person
            if p["nik"] and p["nik"] in seen_nik:
                self.problem(
                    row,
                    "nik",
                    _(
                        "The NIK {nik} is also on row {row}; each person only once.",
                        nik=p["nik"],
                        row=seen_nik[p["nik"]],
                    ),
                )
                row.outcome = "reject"
                continue
            member_key = (p["name_key"], self._birth_key(p))
            if member_key in group.members:
                self.problem(
                    row,
                    "name",
                    _(
                        "{name} is already on row {row} of the same household.",
                        name=p["name"],
                        row=group.members[member_key],
                    ),
                )
                row.outcome = "reject"
                continue
            match = self._match(row, group)
            same = (p["name_key"], p["birth_date"])
            if match is None and not p["birth_date_estimated"] and same in seen_person:
                # Typed entry would flag the second one as a probable duplicate.
                self.problem(
                    row,
                    "name",
                    _(
                        "{name}, born {date}, is already on row {row}; each person only once.",
                        name=p["name"],
                        date=p["birth_date"].isoformat(),
                        row=seen_person[same],
                    ),
                )
                row.outcome = "reject"
                continue
            if match is None:
                duplicates = self._probable_duplicates(p, group)
                if duplicates:
                    names = "; ".join(f"{name} ({birth.isoformat()})" for name, birth in duplicates[:5])
                    self.problem(
                        row,
                        "name",
                        _(
                            "This person may already be on the roster: {names}. Check, then confirm to save anyway.",
                            names=names,
                        ),
                    )
                    row.outcome = "reject"
                    continue
                if p["relationship"] == "head" and group.head:
                    self.problem(
                        row,
                        "relationship",
                        _("This household already has a head ({name}); choose another relationship.", name=group.head),
                    )
                    row.outcome = "reject"
                    continue
                row.outcome = "create"
                row.person_id = uuid.uuid4()
                row.new_stay = True
                if p["relationship"] == "head":
                    group.head, group.head_sex = p["name"], p["sex"]
            else:
                row.outcome = "match"
                row.person_id, row.household_id = match
                matched_ids.append(row.person_id)
            if p["nik"]:
                seen_nik[p["nik"]] = row.number
            group.members[member_key] = row.number
            if not p["birth_date_estimated"]:
                seen_person.setdefault(same, row.number)
        # Matched persons are checked in unless they already stay at that site.
        stays = self.load_stays(matched_ids)
        for row in self.rows:
            if row.outcome != "match":
                continue
            known = stays.get(row.person_id, [])
            if any(
                site_id == row.site.id and arrived <= row.arrival and (left is None or left > row.arrival)
                for site_id, arrived, left, _name in known
            ):
                continue  # this stay is on the roster already (a roster exported on an earlier day)
            later = [s for s in known if s[2] is None or s[2] > row.arrival]
            if not later:
                row.new_stay = True
                continue
            later.sort(key=lambda s: s[0] != row.site.id)  # at this site already: nothing to do
            site_id, arrived_on, _left, site_name = later[0]
            if site_id != row.site.id:
                self.problem(
                    row,
                    "site",
                    _(
                        "{name} is already at {site} from {date}; transfer or check out instead.",
                        name=row.person["name"],
                        site=site_name,
                        date=arrived_on.isoformat(),
                    ),
                )
                row.outcome = "reject"
        self.matched_households = set()
        for row in self.rows:
            group = self.groups[row.group]
            if row.outcome == "create":
                group.used = True
                if group.existing:
                    self.matched_households.add(group.existing)
                else:
                    group.created = True
            elif row.outcome == "match":
                self.matched_households.add(row.household_id)

    def _birth_key(self, p: dict):
        """Same person: same birth date, or for an age-only entry, the same age."""
        return ("age", roster.age_on(p["birth_date"], self.today)) if p["birth_date_estimated"] else p["birth_date"]

    def _match(self, row: _Row, group: _Group) -> tuple[uuid.UUID, uuid.UUID] | None:
        """(person id, household id) of the person on the roster this row describes, if any."""
        p = row.person
        if p["nik"] and p["nik"] in self.by_nik:
            return self.by_nik[p["nik"]][:2]
        if group.existing:
            for person_id, _name, key, birth, estimated, nik, _rel in self.members.get(group.existing, []):
                if key != p["name_key"] or (nik and p["nik"] and nik != p["nik"]):
                    continue
                same_age = (
                    estimated
                    and p["birth_date_estimated"]
                    and roster.age_on(birth, self.today) == roster.age_on(p["birth_date"], self.today)
                )
                if birth == p["birth_date"] or same_age:
                    return person_id, group.existing
        return None

    def _probable_duplicates(self, p: dict, group: _Group) -> list[tuple]:
        """``roster.probable_duplicates``: same name with the same birth date or the same KK."""
        found = []
        for _person_id, name, birth, kk in self.by_name.get(p["name_key"], []):
            if birth == p["birth_date"] or (group.kk and kk == group.kk):
                found.append((name, birth))
        return found


def _resolve_defaults(site, day) -> tuple[_Site | None, datetime.date | None]:
    from shelter_app.services import sites as site_service

    default_site = None
    if site:
        found = site_service.find_site(site) if isinstance(site, str) else site
        default_site = _Site(found.id, found.name, found.opened_on, found.closed_on, found.event.started_on)
    if isinstance(day, str) and day.strip():
        try:
            day = datetime.date.fromisoformat(day.strip())
        except ValueError:
            raise RuleViolation("date", _('"{value}" is not a date; write it as YYYY-MM-DD.', value=day)) from None
    return default_site, day or None


def plan(
    table: Table,
    mapping: dict | None = None,
    site=None,
    arrival_date=None,
    today=None,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
    limit: int | None = None,
    total_ticks: int | None = None,
) -> tuple[_Planner, ImportResult]:
    """Every check of the import, changing nothing; ``limit`` checks only the first rows (preview)."""
    columns = map_columns(table.headers, mapping)
    default_site, default_date = _resolve_defaults(site, arrival_date)
    rows = table.rows[:limit] if limit else table.rows
    total = total_ticks or len(rows) * 2 + 1  # reading, then matching (an import adds writing)
    planner = _Planner(table, columns, default_site, default_date, today or checks.today(), progress, cancelled, total)
    for index, (number, cells) in enumerate(rows):
        if index % TICK == 0:
            planner.tick(index)
        planner.rows.append(planner.read_row(number, cells))
    planner.gather_groups()
    planner.load_existing()
    planner.decide(len(rows))
    summary = Summary(rows=len(rows))
    for row in planner.rows:
        if row.outcome == "reject" or row.problems:
            row.outcome = "reject"
            summary.rows_rejected += 1
        elif row.outcome == "create":
            summary.persons_created += 1
        else:
            summary.persons_matched += 1
        if row.new_stay and row.outcome != "reject":
            summary.stays_created += 1
    summary.households_created = sum(1 for g in planner.groups.values() if g.created)
    summary.households_matched = len(planner.matched_households)
    problems = [p for row in planner.rows for p in row.problems]
    ignored = [h for i, h in enumerate(table.headers) if i not in columns and h]
    result = ImportResult(summary, problems, False, True, False, table, columns, ignored, planner.notices)
    return planner, result


def preview(
    table: Table, mapping: dict | None = None, site=None, arrival_date=None, limit: int = 100, today=None
) -> ImportResult:
    """The first rows checked as the import would check them (for the window's preview)."""
    return plan(table, mapping, site, arrival_date, today, limit=limit)[1]


# --- writing -----------------------------------------------------------------------------


def _write(planner: _Planner, accepted: list[_Row], progress_base: int) -> None:
    groups = planner.groups
    new_households = [g for g in groups.values() if g.created]
    household_id = {g.key: (g.existing or g.new_id) for g in groups.values()}
    created = [r for r in accepted if r.outcome == "create"]
    checked_in = [r for r in accepted if r.new_stay]
    for r in checked_in:
        r.stay_id = uuid.uuid4()
    to_write = max(len(new_households) + len(created) + len(checked_in), 1)
    span = max(planner.total_ticks - 1 - progress_base, 0)
    written = [0]

    def ticking(rows):
        for item in rows:
            if written[0] % TICK == 0:
                planner.tick(progress_base + span * written[0] // to_write)
            written[0] += 1
            yield item

    if new_households:
        records.bulk_create(
            Household,
            ticking(
                {"id": g.new_id, "kk": g.kk, "origin_village_code": g.origin, "address": g.address}
                for g in new_households
            ),
        )
    if created:
        records.bulk_create(
            Person,
            ticking({"id": r.person_id, "household": household_id[r.group], **_person_row(r.person)} for r in created),
        )
    if checked_in:
        records.bulk_create(
            Stay,
            ticking(
                {"id": r.stay_id, "person": r.person_id, "site": r.site.id, "arrived_on": r.arrival} for r in checked_in
            ),
        )
    planner.tick(progress_base + span)
    # The presence index. New households hold only rows of this file: their presence rows are
    # made from the rows read (presence.row) and added in one executemany. Persons added to
    # households already on the roster, and the members of a household that gained a head, are
    # refreshed from the database. tests/test_import.py checks the result against a full rebuild.
    fresh = [r for r in checked_in if groups[r.group].created]
    female_headed = {g.key for g in new_households if g.head_sex == "P"}
    presence.add_rows(
        presence.row(
            r.stay_id,
            r.person_id,
            r.site.id,
            household_id[r.group],
            r.arrival,
            None,
            None,
            None,
            r.person,
            r.group in female_headed,
        )
        for r in fresh
    )
    others = [r.person_id for r in checked_in if not groups[r.group].created]
    if others:
        presence.refresh_persons(others)
    headed = {household_id[r.group] for r in created if r.person["relationship"] == "head" and groups[r.group].existing}
    if headed:
        presence.refresh_households(headed)


PERSON_COLUMNS = (
    "nik",
    "name",
    "name_key",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "relationship",
    "pregnant",
    "lactating",
    "disability",
    "disability_note",
    "chronic_illness",
    "unaccompanied_child",
    "phone",
    "notes",
)


def _person_row(p: dict) -> dict:
    return {name: p[name] for name in PERSON_COLUMNS}


@requires("roster.import")
def import_table(
    table: Table,
    mapping: dict | None = None,
    site=None,
    arrival_date=None,
    dry_run: bool = False,
    valid_only: bool = False,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
    today=None,
    backup: bool = True,
) -> ImportResult:
    """Check every row, then (unless ``dry_run``, or a row is bad and not ``valid_only``) import
    in one transaction, after an automatic backup. Raises ``ImportCancelled`` when cancelled.
    Checked and written under the database's lock (``storage.lock``): a second import, a
    restore or a sync import at the same time is refused, so none of them works from a stale
    check."""
    with contextlib.nullcontext() if dry_run else lock.exclusive(database.obj):
        return _import_table(
            table, mapping, site, arrival_date, dry_run, valid_only, progress, cancelled, today, backup
        )


def _import_table(table, mapping, site, arrival_date, dry_run, valid_only, progress, cancelled, today, backup):
    total = len(table.rows) * 3 + 1  # reading, matching, writing
    planner, result = plan(table, mapping, site, arrival_date, today, progress, cancelled, total_ticks=total)
    result.dry_run, result.valid_only = dry_run, valid_only
    accepted = [r for r in planner.rows if r.outcome in ("create", "match")]
    has_work = any(r.outcome == "create" or r.new_stay for r in accepted)
    if dry_run or (result.problems and not valid_only) or not has_work:
        if progress:
            progress(total, total)
        return result
    if backup:
        from shelter_app.exchange import backups

        result.backup = backups.before_import(database.obj)
    with database.atomic():
        _write(planner, accepted, len(table.rows) * 2)
    result.imported = True
    if progress:
        progress(total, total)
    return result


def import_roster(path, **options) -> ImportResult:
    """Import a roster file (.csv or .xlsx); see ``import_table`` for the options."""
    return import_table(read_table(path), **options)


# --- reporting -----------------------------------------------------------------------------


def errors_file_for(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(f"{path.stem}.rejected.csv")


def write_errors(result: ImportResult, path: str | Path, lang: str | None = None) -> Path:
    """The rejected rows as they were in the file, with the row number, the columns and the
    problems in the user's language: fix them there and import the file again."""
    table = result.table
    by_row = result.problems_by_row()
    headers = list(table.headers) + [
        translate(N_("row"), lang),
        translate(N_("column"), lang),
        translate(N_("problem"), lang),
    ]
    rows = []
    for number, cells in table.rows:
        if number not in by_row:
            continue
        problems = by_row[number]
        rows.append(
            [cell_text(c) for c in cells]
            + [
                number,
                "; ".join(dict.fromkeys(p.column for p in problems)),
                " | ".join(p.message.text(lang) for p in problems),
            ]
        )
    path = Path(path)
    fmt = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
    nik_columns = {i for i, name in result.columns.items() if name in ("nik", "kk")}
    delimiter = table.delimiter if table.kind == "csv" and table.delimiter in (",", ";") else ","
    return write_rows(path, headers, rows, fmt, text_columns=nik_columns, delimiter=delimiter)
