"""The outbox never stalls: one delivery's failure, expected or not, is recorded and the loop
goes on; ``send --now`` ignores the backoff without rewriting the stored times."""

from __future__ import annotations

import datetime
import email

from shelter_app.outbox import queue
from shelter_app.services import settings
from shelter_app.storage.models import OutboxDelivery, utc_now
from tests.outbox.test_outbox import PDF, _email_settings, smtp_server  # noqa: F401 - the fixture

FOLDER = "folder"


def test_a_title_with_a_line_break_still_goes_by_email_and_the_next_report_too(db, smtp_server, monkeypatch):  # noqa: F811
    inbox, port = smtp_server
    monkeypatch.setenv("SHELTER_APP_SMTP_PASSWORD", "rahasia")
    _email_settings(port)
    queue.add(PDF, "Laporan harian - SD Negeri 1\nBcc: someone@evil.example", "daily")
    queue.add(PDF, "Laporan harian - GOR Pamoyanan", "daily")
    summary = queue.send_due()
    assert (summary.sent, summary.failed) == (2, 0)
    subjects = [email.message_from_bytes(content)["Subject"] for _s, _r, content in inbox.messages]
    assert all("\n" not in s for s in subjects) and len(subjects) == 2
    assert all(
        recipients == ["pusdalops@bpbd.example", "dinsos@cianjur.example"] for _s, recipients, _c in inbox.messages
    )


def test_an_unexpected_failure_is_recorded_and_the_loop_goes_on(db, tmp_path):
    settings.change_text("outbox.folder", str(tmp_path / "out"))
    first = queue.add(PDF, "pertama", "daily")
    second = queue.add(PDF, "kedua", "daily")
    calls = []

    def flaky(parcel, config):
        calls.append(parcel.report_id)
        if parcel.report_id == first.id.hex:
            raise ValueError("header injection")  # not a DeliveryError: a bug or a bad value

    summary = queue.send_due(transports={FOLDER: flaky})
    assert (summary.sent, summary.failed) == (1, 1) and len(calls) == 2
    failed = OutboxDelivery.get(OutboxDelivery.item == first.id)
    assert failed.status == "pending" and failed.attempts == 1 and "ValueError" in failed.last_error
    assert OutboxDelivery.get(OutboxDelivery.item == second.id).status == "done"


def test_send_now_ignores_the_backoff_and_keeps_the_stored_times(db, tmp_path):
    settings.change_text("outbox.folder", str(tmp_path / "missing" / "usb"))
    queue.add(PDF, "laporan", "daily")
    (tmp_path / "missing").mkdir()
    (tmp_path / "missing" / "usb").write_text("not a folder")  # every attempt fails
    queue.send_due()
    row = OutboxDelivery.get()
    scheduled = row.next_attempt_at
    assert row.attempts == 1 and scheduled > utc_now()
    # --now tries at once, although the backoff says later; a failure schedules as usual
    summary = queue.send_now()
    row = OutboxDelivery.get()
    assert summary.failed == 1 and row.attempts == 2
    assert row.next_attempt_at - utc_now() < datetime.timedelta(minutes=5)  # never years ahead
    # once the stick is back, the window's automatic retry (send_due) sends it when due
    (tmp_path / "missing" / "usb").unlink()
    (tmp_path / "missing" / "usb").mkdir()
    assert queue.send_due(now=row.next_attempt_at).sent == 1
