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


def test_the_page_shows_the_declared_settings_with_their_labels_and_checks(ctx, qtbot):
    from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel

    from shelter_app.domain import settings_catalog as catalog
    from shelter_app.i18n import tr
    from shelter_app.storage.models import Change

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh_if_stale()
    shown_labels = set()
    for box in page.findChildren(QGroupBox):
        form = box.layout()
        if isinstance(form, QFormLayout):
            for row in range(form.rowCount()):
                item = form.itemAt(row, QFormLayout.LabelRole)
                if item is not None and isinstance(item.widget(), QLabel):
                    shown_labels.add(item.widget().text())
    for spec in catalog.declared(group=None):
        if spec.group and spec.editable:
            assert tr(spec.label) in shown_labels, spec.key
    assert [spec.key for spec in catalog.declared(catalog.LAPTOP, group="sending", editable=True)] == list(
        page.outbox_fields
    )
    assert [page.profile.itemData(i) for i in range(page.profile.count())] == list(
        catalog.spec("standards_profile").choices
    )
    assert page.outbox_fields["smtp.security"].placeholderText() == "starttls / tls / none"

    page.outbox_fields["smtp.to"].setText("nobody")  # checked by the declaration, shown under the field
    assert not page.save_outbox()
    assert "Alamat tujuan" in page.errors.text("smtp.to") or "e-mail" in page.errors.text("smtp.to")
    assert settings.stored("smtp.to") is None

    records_changed = Change.select().where(Change.table != "audit_entry")  # the audit trail also says so
    before = records_changed.count()
    page.profile.setCurrentIndex(page.profile.findData("sphere"))
    page.profile.activated.emit(page.profile.currentIndex())
    assert settings.profile().code == "sphere" and records_changed.count() == before + 1
