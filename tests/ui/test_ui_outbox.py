"""Reports queued from the window leave by themselves; the status bar says what waits."""

import datetime

from shelter_app.demo.generator import build_demo
from shelter_app.outbox import queue
from shelter_app.services import settings, sites
from shelter_app.ui.main_window import MainWindow

DAY = datetime.date(2022, 11, 30)


def test_queue_from_reports_page_then_delivered_to_the_folder(ctx, qtbot, tmp_path, screenshot):
    build_demo(persons=200, seed=3)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    settings_page = window.pages["settings"]
    window.go_to("settings")
    settings_page.outbox_fields["smtp.port"].setText("abc")
    assert not settings_page.save_outbox()
    assert "65535" in settings_page.errors.text("smtp.port")
    settings_page.outbox_fields["smtp.port"].clear()
    usb = tmp_path / "usb"
    usb.mkdir()
    settings_page.outbox_fields["outbox.folder"].setText(str(usb))
    assert settings_page.save_outbox()
    assert settings.stored("outbox.folder") == str(usb)
    screenshot(window, "outbox_settings_id")

    window.go_to("reports")
    reports = window.pages["reports"]
    reports.kind.setCurrentIndex(reports.kind.findData("daily"))
    reports.site.setCurrentIndex(reports.site.findData(sites.sites()[0].id.hex))
    reports.day.set_date(DAY)
    job = reports.make_preview()
    with qtbot.waitSignal(job.finished, timeout=60000):
        pass
    qtbot.waitUntil(lambda: reports.queue_button.isEnabled())
    window._outbox_timer.stop()  # the test decides when sending happens
    reports.queue_report()
    qtbot.waitUntil(lambda: window._outbox_job is not None and window._outbox_job.wait(0))
    qtbot.waitUntil(lambda: list(usb.glob("posko-daily-*.pdf")) != [])
    assert list(usb.glob("posko-daily-*.pdf"))[0].read_bytes().startswith(b"%PDF")
    qtbot.waitUntil(lambda: not window.outbox_button.isVisible())


def test_waiting_reports_are_shown_with_their_error_and_can_be_sent_now(ctx, qtbot, tmp_path, screenshot):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window._outbox_timer.stop()
    window.resize(1280, 800)
    window.show()
    missing = tmp_path / "not-plugged-in"
    settings.change_text("outbox.folder", str(missing))
    queue.add(b"%PDF-1.4 test", "Laporan harian posko - 2022-11-30", "daily")
    job = window.send_outbox(force=True)
    with qtbot.waitSignal(job.finished, timeout=30000):
        pass
    qtbot.waitUntil(lambda: window.outbox_button.isVisible())
    assert "1" in window.outbox_button.text()
    dialog = window.show_outbox()
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 1
    assert dialog.model.index(0, 6).data()  # the last error, in words
    screenshot(dialog, "outbox_dialog_id")
    missing.mkdir()
    job = dialog.send_now()
    with qtbot.waitSignal(job.finished, timeout=30000):
        pass
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1 and dialog.model.index(0, 3).data() == "terkirim")
    assert len(list(missing.glob("*.pdf"))) == 1
