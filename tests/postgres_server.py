"""A throwaway PostgreSQL server for tests: initdb in a temporary folder, a free port on
127.0.0.1, removed afterwards. As root, the server runs as the unprivileged user 'nobody'
(PostgreSQL refuses to run as root)."""

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


@contextmanager
def postgres_server():
    """Yield a postgresql:// URL of a fresh server with an empty database 'posko'."""
    folder = Path(tempfile.mkdtemp(prefix="posko-pg-"))
    data, sockets = folder / "data", folder / "run"
    sockets.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "nobody")
        shutil.chown(sockets, "nobody")
        prefix = ["runuser", "-u", "nobody", "--"]
    port = free_port()

    def run(*cmd: str) -> None:
        subprocess.run([*prefix, *cmd], check=True, capture_output=True, cwd=folder)

    run(find_bin("initdb"), "-D", str(data), "-U", "posko", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C")
    run(find_bin("pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log"), "-o",
        f"-p {port} -h 127.0.0.1 -k {sockets} -c fsync=off -c full_page_writes=off", "start")
    try:
        run(find_bin("createdb") or "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "posko", "posko")
        yield f"postgresql://posko@127.0.0.1:{port}/posko"
    finally:
        subprocess.run([*prefix, find_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True, cwd=folder)
        shutil.rmtree(folder, ignore_errors=True)


def new_database(server_url: str) -> str:
    """A new empty database on the server, for one test; its postgresql:// URL."""
    import uuid

    import psycopg2

    name = f"hub_{uuid.uuid4().hex[:12]}"
    connection = psycopg2.connect(server_url)
    connection.autocommit = True
    try:
        connection.cursor().execute(f"CREATE DATABASE {name}")
    finally:
        connection.close()
    return server_url.rsplit("/", 1)[0] + f"/{name}"
