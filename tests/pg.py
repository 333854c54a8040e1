"""A throwaway PostgreSQL server started from Debian's server binaries (initdb / pg_ctl)."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OWNER, READER, PASSWORD = "initiatives", "initiatives_api", "test-password"


def find_bin_dir() -> Path | None:
    """Folder holding initdb and pg_ctl, from PATH or /usr/lib/postgresql/<version>/bin."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(os.path.realpath(initdb)).parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists() and Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Database:
    """URLs of one test database: the loader's (owner) and the API's (reader)."""

    backend: str
    writer_url: str
    reader_url: str


class PostgresServer:
    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        # Not under pytest's tmp folder: that one is private to the user running the tests.
        self.base = Path(tempfile.mkdtemp(prefix="initiatives-pg-"))
        self.data = self.base / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.base, "postgres", "postgres")

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if self.as_root:  # initdb and postgres refuse to run as root
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout}{result.stderr}")
        return result

    def init(self) -> None:
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )

    def replicate(self, primary: "PostgresServer") -> None:
        """This server's data as a streaming replica of `primary`: pg_basebackup -R copies the
        primary's data and writes standby.signal and primary_conninfo, so it starts as a hot standby."""
        self._run(
            str(self.bin_dir / "pg_basebackup"),
            "-D", str(self.data),
            "-h", "127.0.0.1",
            "-p", str(primary.port),
            "-U", "postgres",
            "-X", "stream",
            "-c", "fast",
            "-R",
        )  # fmt: skip

    def start(self, *settings: str) -> None:
        """Start the server, with more settings (`"hot_standby_feedback=on"`) if given."""
        opts = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        opts += "".join(f" -c {setting}" for setting in settings)
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            opts,
            "-w",
            "-t",
            "60",
            "-l",
            str(self.data / "log"),
            "start",
        )

    def stop(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def psql(self, *args: str, database: str = "postgres") -> str:
        result = subprocess.run(
            [
                "psql",
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                *args,
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return result.stdout

    def create_database(self, name: str | None = None, *, icu_locale: str | None = None) -> Database:
        """A new database with the owner and reader roles set up by scripts/postgres_roles.sql.

        `icu_locale` (e.g. "und-u-ka-shifted") creates it with that ICU collation instead of
        the server's C.UTF-8; the roles script then finds it and sets up its schema and grants.
        """
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        if icu_locale is not None:
            locale = icu_locale.replace("'", "''")
            self.psql(
                "-c", f"CREATE DATABASE \"{name}\" LOCALE_PROVIDER icu ICU_LOCALE '{locale}' TEMPLATE template0"
            )  # fmt: skip
        self.psql(
            "-v", f"owner={OWNER}",
            "-v", f"owner_password={PASSWORD}",
            "-v", f"reader={READER}",
            "-v", f"reader_password={PASSWORD}",
            "-v", f"dbname={name}",
            "-f", str(ROOT / "scripts" / "postgres_roles.sql"),
        )  # fmt: skip
        if icu_locale is not None:  # owned by the owner role, as the script creates it
            self.psql("-c", f'ALTER DATABASE "{name}" OWNER TO "{OWNER}"')
        return self.database(name)

    def database(self, name: str) -> Database:
        """The URLs of database `name` on this server (a replica serves its primary's databases)."""
        base = f"postgresql+psycopg://{{}}:{PASSWORD}@127.0.0.1:{self.port}/{name}"
        return Database("postgresql", base.format(OWNER), base.format(READER))

    def drop_database(self, db: Database) -> None:
        name = db.writer_url.rsplit("/", 1)[1]
        self.psql("-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
