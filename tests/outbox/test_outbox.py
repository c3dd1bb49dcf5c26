"""The report outbox: a queue in the database, delivered to a folder and by e-mail, once each."""

import datetime
import email
import errno
import os
import socket

import pytest

from shelter_app.cli.main import main
from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import _
from shelter_app.outbox import delivery, queue
from shelter_app.services import settings
from shelter_app.storage.models import OutboxDelivery, OutboxItem, utc_now
from shelter_app.storage.session import open_database

PDF = b"%PDF-1.4\n% a tiny stand-in for a report\n%%EOF\n"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def later(minutes):
    return utc_now() + datetime.timedelta(minutes=minutes)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the queue -------------------------------------------------------------------------


def test_the_queue_survives_closing_and_reopening_the_database(db, tmp_path):
    settings.change_text("outbox.folder", str(tmp_path / "usb"))
    item = queue.add(PDF, "Laporan harian - GOR", "daily")
    db.close()
    reopened = open_database(str(tmp_path / "posko.db"))
    try:
        waiting = queue.pending()
        assert [p.item.id for p in waiting] == [item.id]
        assert bytes(waiting[0].item.pdf) == PDF and waiting[0].waiting_for == ["folder"]
        state = queue.status()
        assert state.waiting == 1 and state.since is not None
    finally:
        reopened.close()


def test_a_report_queued_without_destinations_waits_and_goes_when_one_is_set(db, tmp_path):
    queue.add(PDF, "Ringkasan", "summary")
    assert queue.send_due().sent == 0 and queue.status().waiting == 1
    (tmp_path / "usb").mkdir()
    settings.change_text("outbox.folder", str(tmp_path / "usb"))
    summary = queue.send_due()
    assert summary.sent == 1 and summary.waiting == 0
    assert len(list((tmp_path / "usb").glob("*.pdf"))) == 1


# --- folder ----------------------------------------------------------------------------


def test_folder_delivery_writes_the_pdf_once(db, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    settings.change_text("outbox.folder", str(usb))
    item = queue.add(PDF, "Laporan harian", "daily")
    summary = queue.send_due()
    assert (summary.sent, summary.failed, summary.waiting) == (1, 0, 0)
    files = list(usb.iterdir())
    assert [f.name for f in files] == [queue.file_name(item)] and item.id.hex in files[0].name
    assert files[0].read_bytes() == PDF
    # A second send does nothing: the delivery is done.
    assert queue.send_due(now=later(600)).sent == 0
    # Even if the database lost the fact (a crash after the rename), the file counts as delivered.
    OutboxDelivery.update(status="pending", delivered_at=None).execute()
    os.utime(files[0], (0, 0))
    assert queue.send_due(now=later(600)).sent == 1
    assert list(usb.iterdir()) == files and files[0].stat().st_mtime == 0  # not written again


def test_missing_folder_gives_a_translated_error_backs_off_and_succeeds_once_plugged_in(db, tmp_path):
    usb = tmp_path / "usb"
    settings.change_text("outbox.folder", str(usb))
    queue.add(PDF, "Laporan harian", "daily")
    start = utc_now()
    first = queue.send_due(now=start)
    assert (first.sent, first.failed) == (0, 1)
    row = OutboxDelivery.get()
    error = queue.last_error(row)
    assert "flashdisk" in error.text("id") and "USB stick" in error.text("en") and str(usb) in error.text("en")
    assert row.attempts == 1 and row.next_attempt_at == start + queue.BACKOFF_FIRST
    # Not due yet: nothing is tried.
    assert queue.send_due(now=start + datetime.timedelta(seconds=10)).failed == 0
    second_at = start + queue.BACKOFF_FIRST
    assert queue.send_due(now=second_at).failed == 1
    row = OutboxDelivery.get()
    assert row.attempts == 2 and row.next_attempt_at == second_at + 2 * queue.BACKOFF_FIRST
    usb.mkdir()
    done = queue.send_due(now=row.next_attempt_at)
    assert (done.sent, done.waiting) == (1, 0)
    row = OutboxDelivery.get()
    assert row.status == "done" and row.last_error == "" and row.attempts == 3
    assert len(list(usb.glob("*.pdf"))) == 1 and not list(usb.glob(".*part"))


def test_backoff_doubles_and_stops_at_an_hour():
    assert [queue.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert queue.backoff(12) == queue.backoff(500) == datetime.timedelta(hours=1)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_read_only_folder_by_permissions(db, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    usb.chmod(0o500)
    try:
        settings.change_text("outbox.folder", str(usb))
        queue.add(PDF, "Laporan", "daily")
        assert queue.send_due().failed == 1
        assert "read-only" in queue.last_error(OutboxDelivery.get()).text("en")
    finally:
        usb.chmod(0o700)


@pytest.mark.parametrize("code, words", [(errno.EROFS, ("read-only", "hanya-baca")), (errno.ENOSPC, ("full", "penuh"))])
def test_read_only_or_full_folder_leaves_no_partial_file_and_is_retried(db, tmp_path, monkeypatch, code, words):
    usb = tmp_path / "usb"
    usb.mkdir()
    settings.change_text("outbox.folder", str(usb))
    queue.add(PDF, "Laporan", "daily")
    real_fsync = os.fsync

    def broken_fsync(fd):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(delivery.os, "fsync", broken_fsync)
    start = utc_now()
    assert queue.send_due(now=start).failed == 1
    error = queue.last_error(OutboxDelivery.get())
    assert words[0] in error.text("en") and words[1] in error.text("id")
    assert list(usb.iterdir()) == []  # no half-written report, no leftover temporary file
    monkeypatch.setattr(delivery.os, "fsync", real_fsync)
    assert queue.send_due(now=start + datetime.timedelta(seconds=29)).sent == 0
    assert queue.send_due(now=start + datetime.timedelta(seconds=30)).sent == 1
    assert len(list(usb.iterdir())) == 1


def test_a_report_goes_to_every_destination_and_one_failing_does_not_hold_the_other(db, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    settings.change_text("outbox.folder", str(usb))
    settings.change_text("smtp.host", "mail.example")
    settings.change_text("smtp.to", "pusdalops@example.org")
    sent = []

    def down(parcel, config):
        raise delivery.DeliveryError(
            _(
                "Cannot reach the e-mail server {server} (no internet connection?). Posko will try again.",
                server="mail.example:587",
            )
        )

    queue.add(PDF, "Laporan", "daily")
    summary = queue.send_due(transports={"email": down})
    assert (summary.sent, summary.failed, summary.waiting) == (1, 1, 1)
    summary = queue.send_due(now=later(5), transports={"email": lambda parcel, config: sent.append(parcel)})
    assert (summary.sent, summary.waiting) == (1, 0)
    assert len(sent) == 1 and sent[0].pdf == PDF and len(list(usb.iterdir())) == 1


# --- e-mail ----------------------------------------------------------------------------


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server():
    """An aiosmtpd server on 127.0.0.1 that accepts the login posko / rahasia."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"posko" and auth_data.password == b"rahasia"
        return AuthResult(success=ok, handled=False)  # not handled: the server answers 535 itself

    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def _email_settings(port):
    settings.change_text("smtp.host", "127.0.0.1")
    settings.change_text("smtp.port", str(port))
    settings.change_text("smtp.security", "none")
    settings.change_text("smtp.user", "posko")
    settings.change_text("smtp.from", "posko@cianjur.example")
    settings.change_text("smtp.to", "pusdalops@bpbd.example, dinsos@cianjur.example")


def test_email_delivery_sends_the_pdf_with_the_report_id_as_message_id(db, smtp_server, monkeypatch):
    inbox, port = smtp_server
    monkeypatch.setenv("SHELTER_APP_SMTP_PASSWORD", "rahasia")
    _email_settings(port)
    assert settings.state("smtp.password") is None
    item = queue.add(PDF, "Laporan harian - GOR Pamoyanan", "daily")
    summary = queue.send_due()
    assert (summary.sent, summary.failed, summary.waiting) == (1, 0, 0), [e.text("en") for e in summary.errors]
    assert len(inbox.messages) == 1
    sender, recipients, content = inbox.messages[0]
    assert sender == "posko@cianjur.example"
    assert recipients == ["pusdalops@bpbd.example", "dinsos@cianjur.example"]
    message = email.message_from_bytes(content)
    assert message["Message-ID"] == f"<{item.id.hex}@posko>"
    assert "GOR Pamoyanan" in message["Subject"]
    attachments = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    assert len(attachments) == 1 and attachments[0].get_payload(decode=True) == PDF
    assert attachments[0].get_filename() == queue.file_name(item)
    assert queue.send_due(now=later(600)).sent == 0 and len(inbox.messages) == 1  # never twice


def test_wrong_email_password_gives_a_clear_error_and_works_once_fixed(db, smtp_server, monkeypatch, caplog):
    inbox, port = smtp_server
    monkeypatch.setenv("SHELTER_APP_SMTP_PASSWORD", "salah-sandi")
    _email_settings(port)
    queue.add(PDF, "Laporan", "daily")
    start = utc_now()
    assert queue.send_due(now=start).failed == 1
    error = queue.last_error(OutboxDelivery.get())
    assert "password" in error.text("en") and "kata sandi" in error.text("id")
    assert "salah-sandi" not in caplog.text and "salah-sandi" not in OutboxDelivery.get().last_error
    assert inbox.messages == []
    monkeypatch.setenv("SHELTER_APP_SMTP_PASSWORD", "rahasia")
    assert queue.send_due(now=start + queue.backoff(1)).sent == 1
    assert len(inbox.messages) == 1


def test_missing_password_and_unreachable_server_are_explained(db, monkeypatch):
    monkeypatch.delenv("SHELTER_APP_SMTP_PASSWORD", raising=False)
    monkeypatch.setattr(delivery, "smtp_password", lambda user: None)  # no keyring on the test machine either
    _email_settings(free_port())
    queue.add(PDF, "Laporan", "daily")
    start = utc_now()
    queue.send_due(now=start)
    assert "SHELTER_APP_SMTP_PASSWORD" in queue.last_error(OutboxDelivery.get()).text("en")
    settings.change_text("smtp.user", "")
    queue.send_due(now=later(10))
    assert "Cannot reach" in queue.last_error(OutboxDelivery.get()).text("en")


# --- settings and the command line -----------------------------------------------------


def test_settings_are_checked_and_the_password_is_refused(db):
    with pytest.raises(RuleViolation) as refused:
        settings.change_text("smtp.password", "rahasia")
    assert "SHELTER_APP_SMTP_PASSWORD" in refused.value.text("en")
    for key, value in (("smtp.nope", "x"), ("smtp.port", "abc"), ("smtp.security", "ssl"), ("smtp.to", "nobody")):
        with pytest.raises(RuleViolation):
            settings.change_text(key, value)
    settings.change_text("smtp.host", "mail.example")
    settings.change_text("smtp.to", "a@example.org")
    [email_destination] = queue.destinations()
    assert email_destination.config["port"] == 587 and email_destination.config["security"] == "starttls"


def test_cli_config_outbox_and_report_queue(capsys, operation, tmp_path):
    db_path = str(tmp_path / "posko.db")
    usb = tmp_path / "usb"
    code, _out, err = run(capsys, "config", "--db", db_path, "set", "smtp.password", "x", "--lang", "en")
    assert code == 2 and "SHELTER_APP_SMTP_PASSWORD" in err
    code, _out, err = run(capsys, "config", "--db", db_path, "set", "smtp.colour", "x", "--lang", "en")
    assert code == 2 and "outbox.folder" in err
    code, out, _err = run(capsys, "config", "--db", db_path, "set", "outbox.folder", str(usb), "--lang", "en")
    assert code == 0 and "saved" in out
    code, out, _err = run(capsys, "config", "--db", db_path, "show", "--lang", "en")
    assert f"outbox.folder = {usb}" in out and "Destinations: folder" in out

    pdf = tmp_path / "summary.pdf"
    code, out, err = run(
        capsys,
        "report",
        "summary",
        "--db",
        db_path,
        "--date",
        "2022-11-22",
        "--out",
        str(pdf),
        "--queue",
        "--lang",
        "en",
    )
    assert code == 0, err
    assert pdf.exists() and "queued" in out
    assert OutboxItem.select().count() == 1 and bytes(OutboxItem.get().pdf) == pdf.read_bytes()

    code, out, _err = run(capsys, "outbox", "--db", db_path, "list", "--lang", "en")
    assert "1 report waiting" in out and "Operation summary" in out

    code, out, _err = run(capsys, "outbox", "--db", db_path, "send", "--lang", "en")
    assert code == 3 and "failed: 1" in out and "USB stick" in out
    code, out, _err = run(capsys, "outbox", "--db", db_path, "list", "--lang", "id")
    assert "flashdisk" in out and "percobaan: 1" in out
    usb.mkdir()
    code, out, _err = run(capsys, "outbox", "--db", db_path, "send", "--now", "--lang", "en")
    assert code == 0 and "Sent: 1" in out and "still waiting: 0" in out
    assert [f.read_bytes() for f in usb.iterdir()] == [pdf.read_bytes()]
    code, out, _err = run(capsys, "outbox", "--db", db_path, "list", "--lang", "en")
    assert "Nothing waiting" in out
