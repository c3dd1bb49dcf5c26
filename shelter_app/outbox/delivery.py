"""How a queued report leaves the laptop: written into a folder, sent by e-mail (SMTP), or
stored on the sync hub.

Each transport takes the report (its id, file name, title and PDF bytes) and the destination's
settings, and either returns or raises ``DeliveryError`` with a message a volunteer
understands. ``outbox.queue`` decides when to try and records the outcome.

- Folder: the PDF is written under a temporary name in the target folder, flushed to the disk
  (fsync), then renamed to its final name, which holds the report's id; the folder is synced
  too. A second delivery of the same report finds the file and does nothing.
- E-mail: one message per report, with the PDF attached and ``Message-ID: <report-id@posko>``;
  connecting, STARTTLS or TLS, logging in and sending all time out after ``SMTP_TIMEOUT``
  seconds. The password never comes from the database: it is read from the environment variable
  ``SHELTER_APP_SMTP_PASSWORD`` or, when the ``keyring`` package is installed, from the OS
  keyring (service ``shelter-app``, user name = ``smtp.user``). It is never logged.
- Hub: the report is stored on the PostgreSQL hub under its id (``sync.hub.store_report``);
  the hub keeps the first copy of a report and ignores another. A hub that cannot be reached
  or refuses is a failed delivery, in the hub's words.
"""

from __future__ import annotations

import errno
import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from shelter_app.files import write_atomically
from shelter_app.i18n import Msg, _
from shelter_app.sync import hub

SMTP_TIMEOUT = 10  # seconds, for every step of an SMTP conversation
PASSWORD_ENV = "SHELTER_APP_SMTP_PASSWORD"
KEYRING_SERVICE = "shelter-app"
MESSAGE_DOMAIN = "posko"


class DeliveryError(Exception):
    """A delivery failed; ``message`` says why in words a volunteer understands."""

    def __init__(self, message: Msg):
        super().__init__(message.text("en"))
        self.message = message


@dataclass(frozen=True)
class Parcel:
    """What a transport delivers: one report."""

    report_id: str  # hex UUID of the outbox item
    filename: str
    title: str
    pdf: bytes


def message_id(report_id: str) -> str:
    return f"<{report_id}@{MESSAGE_DOMAIN}>"


# --- folder ----------------------------------------------------------------------------


def deliver_to_folder(parcel: Parcel, config: dict) -> Path:
    """Write the PDF into ``config["folder"]`` exactly once; returns the file's path."""
    folder = Path(config["folder"]).expanduser()
    target = folder / parcel.filename
    if not folder.is_dir():
        raise DeliveryError(
            _(
                "The folder {path} is not there: plug in the USB stick or drive, or check the "
                "outbox folder setting. Posko will try again.",
                path=str(folder),
            )
        )
    if target.exists():  # delivered before (perhaps just before a crash): done, never twice
        return target
    try:
        return write_atomically(target, parcel.pdf)
    except OSError as error:
        raise DeliveryError(_folder_error(folder, error)) from None


def _folder_error(folder: Path, error: OSError) -> Msg:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return _(
            "The folder {path} is full: free some space or use another USB stick. Posko will try again.",
            path=str(folder),
        )
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _(
            "Posko may not write into the folder {path} (it is read-only or locked). Unlock the USB stick "
            "or choose another folder. Posko will try again.",
            path=str(folder),
        )
    if error.errno in (errno.ENOENT, errno.ENODEV, errno.EIO):
        return _(
            "The folder {path} is not there: plug in the USB stick or drive, or check the outbox folder "
            "setting. Posko will try again.",
            path=str(folder),
        )
    return _(
        "Could not write into the folder {path} ({reason}). Posko will try again.",
        path=str(folder),
        reason=error.strerror or str(error),
    )


# --- e-mail ----------------------------------------------------------------------------


def smtp_password(user: str) -> str | None:
    """From the environment, else the OS keyring when the keyring package is installed."""
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    try:
        import keyring  # optional
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, user)
    except Exception:  # no keyring backend on this system
        return None


def build_message(parcel: Parcel, config: dict) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config["from"]
    message["To"] = ", ".join(config["to"])
    one_line = " ".join(parcel.title.split())  # a line break in a header is refused by email
    message["Subject"] = _("Posko report: {title}", title=one_line).text()
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id(parcel.report_id)
    message.set_content(
        _(
            'The report "{title}" from Posko is attached as a PDF file.\n\nReport id: {id}\n',
            title=parcel.title,
            id=parcel.report_id,
        ).text()
    )
    message.add_attachment(parcel.pdf, maintype="application", subtype="pdf", filename=parcel.filename)
    return message


def deliver_by_email(parcel: Parcel, config: dict) -> None:
    """Send the report through the SMTP server of ``config`` (host, port, security, user, from, to)."""
    host, port, security = config["host"], int(config["port"]), config["security"]
    user = config.get("user") or ""
    password = smtp_password(user) if user else None
    if user and not password:
        raise DeliveryError(
            _(
                "No e-mail password: set the environment variable {env} or store the password in "
                'the system keyring (service "{service}", user "{user}").',
                env=PASSWORD_ENV,
                service=KEYRING_SERVICE,
                user=user,
            )
        )
    message = build_message(parcel, config)
    where = f"{host}:{port}"
    try:
        if security == "tls":
            client = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
        try:
            client.ehlo()
            if security == "starttls":
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if user:
                client.login(user, password)
            client.send_message(message, from_addr=config["from"], to_addrs=list(config["to"]))
        finally:
            try:
                client.quit()
            except Exception:
                client.close()
    except smtplib.SMTPAuthenticationError:
        raise DeliveryError(
            _(
                "The e-mail server {server} refused the user name or password. Check the password "
                "in {env} or the system keyring.",
                server=where,
                env=PASSWORD_ENV,
            )
        ) from None
    except smtplib.SMTPRecipientsRefused:
        raise DeliveryError(
            _(
                "The e-mail server {server} refused the recipients {to}: check the smtp.to setting.",
                server=where,
                to=", ".join(config["to"]),
            )
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise DeliveryError(
            _(
                "The e-mail server {server} does not offer what the smtp.security setting asks "
                "for ({security}) or a login: check the settings.",
                server=where,
                security=security,
            )
        ) from None
    except ssl.SSLError:
        raise DeliveryError(
            _(
                "The secure connection to the e-mail server {server} failed: check the "
                "smtp.security setting (starttls, tls or none) and the port.",
                server=where,
            )
        ) from None
    except smtplib.SMTPResponseException as error:
        raise DeliveryError(
            _(
                "The e-mail server {server} did not accept the report ({reason}). Posko will try again.",
                server=where,
                reason=_reply_text(error),
            )
        ) from None
    except (TimeoutError, smtplib.SMTPServerDisconnected, smtplib.SMTPException, OSError):
        raise DeliveryError(
            _("Cannot reach the e-mail server {server} (no internet connection?). Posko will try again.", server=where)
        ) from None


def _reply_text(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
    return f"{error.smtp_code} {text}".strip()


# --- the hub ---------------------------------------------------------------------------


def deliver_to_hub(parcel: Parcel, config: dict) -> None:
    """Store the report on the hub of ``config["url"]``; a copy already there counts as delivered."""
    try:
        hub.store_report(config["url"], parcel.report_id, parcel.filename, parcel.title, parcel.pdf)
    except hub.HubError as error:
        raise DeliveryError(error.message) from None
