"""The Settings page: language, operator, standards profile, age bands, database file."""

from shelter_app.history import records
from shelter_app.i18n import current_language
from shelter_app.services import settings
from shelter_app.ui.pages.settings import SettingsPage


def test_operator_language_profile_and_age_bands(ctx, qtbot, screenshot, tmp_path):
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.resize(900, 700)
    page.show()
    page.refresh_if_stale()
    screenshot(page, "settings_id")

    page.operator.clear()
    qtbot.keyClicks(page.operator, "Dewi Relawan")
    page.operator.editingFinished.emit()
    assert records.operator() == "Dewi Relawan" and ctx.settings.value("operator") == "Dewi Relawan"

    page.profile.setCurrentIndex(page.profile.findData("sphere"))
    page.profile.activated.emit(page.profile.currentIndex())
    assert settings.profile().code == "sphere"

    page.bands.item(4, 1).setText("65")  # lansia from 65: leaves a gap after dewasa (18-60)
    page.save_bands()
    assert "gaps" in page.errors.text("age_bands") or "celah" in page.errors.text("age_bands").lower()
    page.bands.item(3, 2).setText("65")
    page.save_bands()
    assert page.errors.text("age_bands") == ""
    assert [b.max_years for b in settings.age_bands()][-2] == 65

    page.language.setCurrentIndex(page.language.findData("en"))
    page.language.activated.emit(page.language.currentIndex())
    assert current_language() == "en" and ctx.settings.value("language") == "en"

    other = tmp_path / "lain.db"
    page.open_database_file(str(other))
    assert other.exists() and ctx.database_target == str(other)


def test_backup_folder_can_be_a_usb_stick_and_a_bad_one_is_explained(ctx, qtbot, tmp_path):
    from shelter_app.storage import backup_files

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh_if_stale()
    stick = tmp_path / "usb" / "posko-backups"
    page.set_backup_folder(str(stick))
    assert page.backup_folder.text() == str(stick.resolve())
    assert backup_files.folder(ctx.database_target) == stick.resolve()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    page.set_backup_folder(str(blocker / "sub"))
    assert page.errors.text("backup_folder")
