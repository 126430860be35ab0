"""A throwaway PostgreSQL server in a temporary directory, for the test run only.

Uses Debian's server binaries (``/usr/lib/postgresql/<version>/bin``). As root, the server runs as
the ``postgres`` system user (initdb refuses root). Trust authentication on 127.0.0.1 and a private
socket directory; fsync off, since nothing here needs to survive a crash.

Each pytest process starts its own (with pytest-xdist, one per worker): its own temporary directory and a free
port, taken again if another process took it between the look-up and the start.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def find_pg_bin() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return Path(candidates[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayPostgres:
    def __init__(self) -> None:
        bin_dir = find_pg_bin()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL server binaries not found; `make test` installs the postgresql package.")
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="peerreview-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(a) for a in args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def start(self, attempts: int = 3) -> str:
        if self.as_root:
            shutil.chown(self.root, user="postgres")
        self.root.chmod(0o700)
        self._run(self.bin / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        log = self.root / "server.log"
        for attempt in range(1, attempts + 1):
            options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off " \
                      "-c full_page_writes=off -c synchronous_commit=off -c max_connections=60"
            try:
                self._run(self.bin / "pg_ctl", "-D", self.data, "-l", log, "-w", "-o", options, "start")
                return self.url("postgres")
            except subprocess.CalledProcessError:
                taken = log.exists() and "could not bind" in log.read_text(errors="replace")
                if not taken or attempt == attempts:
                    raise
                self.port = free_port()  # another process took the port meanwhile: another one
        raise AssertionError("unreachable")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        self._run(self.bin / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
