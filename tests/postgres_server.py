"""A throwaway PostgreSQL server for tests: initdb in a temporary folder, a free port on
127.0.0.1, removed afterwards. As root, the server runs as the unprivileged user 'nobody'
(PostgreSQL refuses to run as root).

``postgres_server()`` yields the server's URL (a ``ServerURL``, a plain string for everything
that takes a URL) which can also ``stop()`` the server (as a power cut would: ``-m
immediate``) and ``start()`` it again, for the fault tests. With ``password=...`` connections
over TCP need that password (scram-sha-256; the URL itself holds none, as a laptop's stored
hub address never does); the server's own Unix socket stays trusted so databases can still be
created (``new_database``)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path


def find_bin(name: str) -> str | None:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else shutil.which(name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unavailable_reason() -> str | None:
    if not (find_bin("initdb") and find_bin("pg_ctl")):
        return "PostgreSQL server binaries (initdb, pg_ctl) are not installed; .ci/run installs Debian's postgresql"
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        return "psycopg2 is not installed (pip install -e '.[test]')"
    return None


class _Server:
    """One initdb'd cluster in a temporary folder; started, stopped and started again."""

    def __init__(self, password: str | None = None):
        self.password = password
        self.folder = Path(tempfile.mkdtemp(prefix="posko-pg-"))
        self.data, self.sockets = self.folder / "data", self.folder / "run"
        self.sockets.mkdir()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "nobody")
            shutil.chown(self.sockets, "nobody")
            self.prefix = ["runuser", "-u", "nobody", "--"]
        self.port = free_port()
        self.running = False

    def run(self, *cmd: str) -> subprocess.CompletedProcess:
        return subprocess.run([*self.prefix, *cmd], check=True, capture_output=True, cwd=self.folder)

    def init(self) -> None:
        auth = ["-A", "trust"]
        if self.password is not None:
            pwfile = self.folder / "pwfile"
            pwfile.write_text(self.password + "\n")
            if self.prefix:
                shutil.chown(pwfile, "nobody")
            auth = ["--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}"]
        self.run(
            find_bin("initdb"), "-D", str(self.data), "-U", "posko", *auth, "--no-sync", "-E", "UTF8", "--locale=C"
        )

    def start(self) -> None:
        self.run(
            find_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-w",
            "-l",
            str(self.folder / "log"),
            "-o",
            f"-p {self.port} -h 127.0.0.1 -k {self.sockets} -c fsync=off -c full_page_writes=off",
            "start",
        )
        self.running = True

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server and wait until it is gone (``immediate``: as a power cut would)."""
        subprocess.run(
            [*self.prefix, find_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"],
            check=False,
            capture_output=True,
            cwd=self.folder,
        )
        self.running = False

    def createdb(self, name: str) -> None:
        # Over the Unix socket, trusted even when TCP asks for a password.
        self.run(find_bin("createdb") or "createdb", "-h", str(self.sockets), "-p", str(self.port), "-U", "posko", name)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class ServerURL(str):
    """The server's postgresql:// URL, which can also stop and start the server."""

    server: _Server

    def __new__(cls, url: str, server: _Server):
        value = super().__new__(cls, url)
        value.server = server
        return value

    @property
    def password(self) -> str | None:
        return self.server.password

    @property
    def socket_dir(self) -> str:
        return str(self.server.sockets)

    def stop(self) -> None:
        self.server.stop()

    def start(self) -> None:
        if not self.server.running:
            self.server.start()


@contextmanager
def postgres_server(password: str | None = None):
    """Yield a postgresql:// URL of a fresh server with an empty database 'posko'."""
    server = _Server(password)
    try:
        server.init()
        server.start()
        server.createdb("posko")
        yield ServerURL(f"postgresql://posko@127.0.0.1:{server.port}/posko", server)
    finally:
        server.remove()


def new_database(server_url: str, password: str | None = None, prefix: str = "hub") -> str:
    """A new empty database on the server, for one test; its postgresql:// URL. ``password``
    is for a server given from outside (a benchmark's --hub)."""
    import uuid

    import psycopg2

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    server = getattr(server_url, "server", None)
    if server is not None and server.password is not None:
        server.createdb(name)  # the trusted Unix socket: no password needed
    else:
        connection = psycopg2.connect(server_url, password=password)
        connection.autocommit = True
        try:
            connection.cursor().execute(f"CREATE DATABASE {name}")
        finally:
            connection.close()
    return server_url.rsplit("/", 1)[0] + f"/{name}"
