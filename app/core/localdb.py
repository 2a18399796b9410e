"""A project-local PostgreSQL cluster, made with PostgreSQL's own initdb/pg_ctl.

Used by ``bin/start`` and the ``doorstep`` command (under ``var/pg``) when DATABASE_URL is
unset, and by the tests (a
throwaway cluster in a temporary directory) when TEST_DATABASE_URL is unset, so nobody needs to
administer a database. PostgreSQL refuses to run as root; as root we run it as ``postgres``.
"""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

DEFAULT_PORT = 54329


class LocalDatabaseError(RuntimeError):
    pass


def memory_settings() -> list[str]:
    """PostgreSQL's usual sizing: a quarter of the RAM for its buffers (here 128 MB to 4 GB),
    and the planner told that about half the RAM caches files.

    The default 128 MB cannot hold a campaign of a million people (about 250 MB of table),
    and every universe count would then read its pages back from the kernel.
    """
    mib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1 << 20)
    return [
        f"shared_buffers = {min(max(mib // 4, 128), 4096)}MB",
        f"effective_cache_size = {max(mib // 2, 256)}MB",
    ]


def find_pg_bin(tool: str = "initdb") -> Path:
    """Directory of PostgreSQL's ``tool`` (initdb, pg_dump, ...): $DOORSTEP_PG_BIN, else the
    newest /usr/lib/postgresql/*/bin that has it (a server with only the client package has
    pg_dump and psql, not initdb), else the PATH."""
    explicit = os.environ.get("DOORSTEP_PG_BIN")
    candidates = (
        [explicit]
        if explicit
        else sorted(
            glob.glob("/usr/lib/postgresql/*/bin"),
            key=lambda p: int(Path(p).parent.name),
            reverse=True,
        )
    )
    for candidate in candidates:
        if candidate and (Path(candidate) / tool).exists():
            return Path(candidate)
    on_path = shutil.which(tool)
    if on_path:
        return Path(on_path).parent
    raise LocalDatabaseError(
        f"PostgreSQL's {tool} was not found; install PostgreSQL 15 or set DOORSTEP_PG_BIN"
    )


def postgis_installed(pg_bin: Path) -> bool:
    sharedir = subprocess.run(  # noqa: S603 - our own binary path, no shell
        [str(pg_bin / "pg_config"), "--sharedir"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return (Path(sharedir) / "extension" / "postgis.control").exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalCluster:
    """One PostgreSQL cluster in ``data_dir`` listening on 127.0.0.1:``port`` and a socket."""

    def __init__(self, data_dir: Path, port: int = DEFAULT_PORT, *, pg_bin: Path | None = None):
        self.data_dir = Path(data_dir)
        self.port = port
        self.pg_bin = pg_bin or find_pg_bin()
        self.as_root = os.geteuid() == 0
        self.owner = "postgres" if self.as_root else pwd.getpwuid(os.geteuid()).pw_name

    @property
    def socket_dir(self) -> Path:
        return self.data_dir / "run"

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [*args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if check and result.returncode != 0:
            raise LocalDatabaseError(
                f"{Path(args[0]).name} failed ({result.returncode}): "
                f"{(result.stderr or result.stdout).strip()[-2000:]}"
            )
        return result

    def _prepare_directory(self) -> None:
        """Make the data directory, owned by the user PostgreSQL runs as."""
        if self.as_root and not self._postgres_can_enter(self.data_dir.parent):
            # e.g. a clone under /root, which postgres may not enter: keep the data outside
            # and leave a symlink where it is expected.
            digest = hashlib.sha256(str(self.data_dir.absolute()).encode()).hexdigest()[:12]
            real = Path("/var/lib/doorstep") / digest / self.data_dir.name
            real.mkdir(parents=True, exist_ok=True)
            os.chmod(real.parent.parent, 0o755)  # noqa: S103 - postgres must traverse
            os.chmod(real.parent, 0o755)  # noqa: S103
            if not self.data_dir.is_symlink():
                self.data_dir.symlink_to(real)
            self.data_dir = real
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.data_dir, "postgres", "postgres")
        os.chmod(self.data_dir, 0o700)

    def _postgres_can_enter(self, path: Path) -> bool:
        path.mkdir(parents=True, exist_ok=True)
        return self._run("test", "-x", str(path), check=False).returncode == 0

    def is_initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def initialise(self, *, fast: bool = False) -> None:
        self._prepare_directory()
        if self.is_initialised():
            return
        self._run(
            str(self.pg_bin / "initdb"),
            "-D", str(self.data_dir),
            "-U", "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip
        settings = [
            "listen_addresses = '127.0.0.1'",
            f"port = {self.port}",
            f"unix_socket_directories = '{self.socket_dir}'",
            "max_connections = 100",
            *memory_settings(),
        ]
        if fast:  # throwaway test clusters: durability buys nothing
            settings += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        with open(self.data_dir / "postgresql.auto.conf", "a") as conf:
            conf.write("\n".join(settings) + "\n")

    def is_running(self) -> bool:
        result = self._run(
            str(self.pg_bin / "pg_ctl"), "status", "-D", str(self.data_dir), check=False
        )
        return result.returncode == 0

    def start(self) -> None:
        self.socket_dir.mkdir(exist_ok=True)
        if self.as_root:
            shutil.chown(self.socket_dir, "postgres", "postgres")
        if self.is_running():
            return
        self._run(
            str(self.pg_bin / "pg_ctl"),
            "start", "-w", "-t", "60",
            "-D", str(self.data_dir),
            "-l", str(self.data_dir / "server.log"),
        )  # fmt: skip
        self._wait_ready()

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise LocalDatabaseError(f"PostgreSQL did not start; see {self.data_dir / 'server.log'}")

    def stop(self, mode: str = "fast") -> None:
        if self.is_initialised() and self.is_running():
            self._run(str(self.pg_bin / "pg_ctl"), "stop", "-m", mode, "-D", str(self.data_dir))

    def create_database(self, name: str) -> None:
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
            raise LocalDatabaseError(f"not a plain database name: {name!r}")
        exists = self._psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")  # noqa: S608
        if exists.strip() != "1":
            self._run(
                str(self.pg_bin / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                name,
            )

    def _psql(self, sql: str) -> str:
        return self._run(
            str(self.pg_bin / "psql"),
            "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "-d", "postgres", "-tAc", sql,
        ).stdout  # fmt: skip


def ensure_local_database(data_dir: Path, port: int = DEFAULT_PORT, name: str = "doorstep") -> str:
    """Create (first time) and start the cluster and its database; the DATABASE_URL."""
    cluster = LocalCluster(data_dir, port)
    if not postgis_installed(cluster.pg_bin):
        raise LocalDatabaseError(
            "PostGIS is not installed: apt-get install -y postgresql-15-postgis-3"
        )
    cluster.initialise()
    cluster.start()
    cluster.create_database(name)
    return cluster.url(name)
