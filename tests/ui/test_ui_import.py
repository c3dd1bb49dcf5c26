"""The import wizard, the export dialog and the restore offer at start, in both languages."""

import datetime
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from shelter_app.domain import identity
from shelter_app.exchange import backups, startup
from shelter_app.history import records
from shelter_app.i18n import set_language
from shelter_app.services import sites
from shelter_app.storage import backup_files
from shelter_app.storage.models import Household, Person, Stay
from shelter_app.storage.session import open_database
from shelter_app.ui.dialogs.exchange.export_dialog import ExportDialog
from shelter_app.ui.dialogs.exchange.import_wizard import ImportWizard
from shelter_app.ui.dialogs.exchange.restore_dialog import NEW, RESTORED, RestoreDialog, check_before_opening

D = datetime.date
KK = identity.make_kk("32.03.11", D(2015, 1, 1), 1)
NIK = identity.make_nik("32.03.11", D(1980, 5, 1), "L", 1)


def kobo_file(tmp_path):
    path = tmp_path / "kobo.csv"
    path.write_text(
        "Nama Lengkap Pengungsi;jenis_kelamin;NIK;no_kk;tanggal_lahir;umur;hubungan;lokasi;tanggal_datang\n"
        f"Asep Hidayat;L;{NIK};{KK};01/05/1980;;Kepala Keluarga;SDN Cugenang 1;21/11/2022\n"
        f"Siti Aminah;P;;{KK};09/07/1984;;Istri;SDN Cugenang 1;21/11/2022\n"
        f"Ujang;L;;{KK};;7;Anak;SDN Cugenang 1;22/11/2022\n"
        f"Salah;X;3.20301E+15;{KK};;;;SDN Cugenang 1;\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("lang", ["id", "en"])
def test_import_wizard_maps_previews_and_imports(ctx, operation, qtbot, qtmodeltester, screenshot, tmp_path, lang):
    set_language(lang)
    wizard = ImportWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.resize(1100, 700)
    wizard.show()
    assert wizard.file_page.site.count() == 3  # "(the site column)" and the two sites
    qtbot.keyClicks(wizard.file_page.path, str(tmp_path / "nothing.csv"))
    wizard.next()
    assert wizard.currentPage() is wizard.file_page and wizard.file_page.error.isVisible()
    wizard.file_page.path.setText(str(kobo_file(tmp_path)))
    screenshot(wizard, f"import_1_file_{lang}")
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    wizard.next()  # the name column is not recognised: refused with a clear message
    assert wizard.currentPage() is wizard.mapping_page
    assert "Nama Lengkap Pengungsi" in wizard.mapping_page.error.text()
    wizard.mapping_page.choose("Nama Lengkap Pengungsi", "name")
    screenshot(wizard, f"import_2_mapping_{lang}")
    wizard.next()
    page = wizard.preview_page
    assert wizard.currentPage() is page
    qtmodeltester.check(page.model)
    assert page.model.rowCount() == 4
    bad_sex = page.model.index(3, 3)  # row number, problems, then the file's columns
    assert page.model.data(bad_sex, Qt.BackgroundRole) is not None
    assert "X" in page.model.data(bad_sex, Qt.ToolTipRole)
    assert page.model.data(page.model.index(0, 3), Qt.BackgroundRole) is None
    assert "X" in page.detail.text()  # the first row with problems is chosen, its problems spelled out
    screenshot(wizard, f"import_3_preview_{lang}")
    page.valid_only.setFocus()
    qtbot.keyClick(page.valid_only, Qt.Key_Space)
    assert page.valid_only.isChecked()
    run = wizard.run_page
    with qtbot.waitSignal(ctx.data_changed, timeout=20000):
        wizard.next()
    qtbot.waitUntil(lambda: run.done, timeout=20000)
    assert Person.select().count() == 3 and Household.select().count() == 1 and Stay.select().count() == 3
    assert run.result.summary.rows_rejected == 1 and run.save_errors.isVisible()
    screenshot(wizard, f"import_4_done_{lang}")
    written = run.save_errors_clicked(str(tmp_path / "ditolak.csv"))
    assert written and "Salah" in Path(written).read_text(encoding="utf-8-sig")
    # The column choice was remembered for the next import.
    second = ImportWizard(ctx)
    qtbot.addWidget(second)
    second.show()
    second.file_page.path.setText(str(kobo_file(tmp_path)))
    second.next()
    second.next()
    assert second.currentPage() is second.preview_page
    assert "4" in second.preview_page.summary.text()
    set_language("id")


def test_a_stopped_import_leaves_nothing(ctx, operation, qtbot, tmp_path):
    path = tmp_path / "big.csv"
    path.write_text(
        "nama,jenis_kelamin,umur,lokasi\n" + "".join(f"Orang {i},L,{i % 80 + 1},SDN Cugenang 1\n" for i in range(6000)),
        encoding="utf-8",
    )
    wizard = ImportWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    wizard.next()
    wizard.next()
    wizard.next()
    run = wizard.run_page
    assert wizard.currentPage() is run
    run.stop_clicked()
    qtbot.waitUntil(lambda: run.done, timeout=30000)
    assert Person.select().count() == 0 and Household.select().count() == 0
    assert run.result is None and run.status.text() == "Impor dihentikan: tidak ada yang diimpor."


@pytest.mark.parametrize("lang", ["id", "en"])
def test_export_dialog_writes_the_roster_and_the_sites(ctx, operation, qtbot, screenshot, tmp_path, lang):
    set_language(lang)
    _event, _tent, school = operation
    from shelter_app.services import roster, stays

    household = roster.register_household(kk=KK)
    asep = roster.add_person(household.id, name="Asep", sex="L", birth_date=D(1980, 5, 1), nik=NIK).person
    stays.check_in([asep.id], school.id, D(2022, 11, 21))
    dialog = ExportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.resize(700, 380)
    dialog.show()
    assert dialog.full_nik.isVisible()
    dialog.date.set_date(D(2022, 11, 25))
    dialog.export_clicked()
    assert dialog.message.text() and dialog.job is None  # no file chosen yet
    dialog.path.setText(str(tmp_path / "roster.csv"))
    dialog.export_clicked()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=20000)
    assert NIK[:6] + "\u2022" * 6 + NIK[-4:] in (tmp_path / "roster.csv").read_text(encoding="utf-8-sig")
    screenshot(dialog, f"export_roster_{lang}")
    dialog.sites_choice.setChecked(True)
    assert not dialog.full_nik.isVisible() and dialog.format.findData("geojson") >= 0
    dialog.format.setCurrentIndex(dialog.format.findData("geojson"))
    dialog.path.setText(str(tmp_path / "sites.geojson"))
    dialog.written = None
    dialog.export_clicked()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=20000)
    assert '"FeatureCollection"' in (tmp_path / "sites.geojson").read_text(encoding="utf-8")
    screenshot(dialog, f"export_sites_{lang}")
    set_language("id")


def damaged_database(tmp_path):
    path = tmp_path / "posko.db"
    db = open_database(str(path))
    records.set_operator("Relawan Uji")
    sites.create_event("Gempa Cianjur", "earthquake", D(2022, 11, 21))
    backup_files.create(db, "daily")
    db.close()
    backups.manual(path)
    with path.open("r+b") as handle:
        handle.seek(4096)
        handle.write(b"\x00\xff" * 20000)
    return path


@pytest.mark.parametrize("lang", ["id", "en"])
def test_restore_is_offered_for_a_damaged_database(qtbot, screenshot, tmp_path, lang):
    set_language(lang)
    path = damaged_database(tmp_path)
    damaged = path.read_bytes()
    diagnosis = startup.diagnose(path)
    dialog = RestoreDialog(diagnosis)
    qtbot.addWidget(dialog)
    dialog.resize(760, 420)
    dialog.show()
    assert dialog.list.rowCount() == 2 and dialog.chosen() == diagnosis.backups[0]
    screenshot(dialog, f"restore_offer_{lang}")
    dialog.confirm = lambda backup: False  # the user says no: nothing changes
    assert not dialog.restore_clicked() and path.read_bytes() == damaged
    dialog.confirm = lambda backup: True
    assert dialog.restore_clicked() and dialog.result() == RESTORED
    assert startup.diagnose(path).ok and dialog.restored.replaced_copy.read_bytes() == damaged
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT name FROM event").fetchone()[0] == "Gempa Cianjur"
    set_language("id")


def test_locked_missing_and_healthy_files_at_start(qtbot, screenshot, tmp_path):
    assert check_before_opening(str(tmp_path / "new.db"))  # first start: no dialog, a new database
    path = tmp_path / "posko.db"
    open_database(str(path)).close()
    assert check_before_opening(str(path))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        dialog = RestoreDialog(startup.diagnose(path))
        qtbot.addWidget(dialog)
        dialog.resize(700, 260)
        dialog.show()
        assert "Posko" in dialog.message.text() and not dialog.restore_button.isVisible()
        screenshot(dialog, "restore_locked_id")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    backups.manual(path)
    path.unlink()
    dialog = RestoreDialog(startup.diagnose(path))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.restore_button.isVisible() and dialog.new_button.isVisible()
    qtbot.mouseClick(dialog.new_button, Qt.LeftButton)
    assert dialog.result() == NEW and not path.exists()
