"""Static checks of the Dockerfile and docker-compose.yml against the project (no Docker needed)."""

import fnmatch
import importlib
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import URL, make_url

from app.config import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE_FILE = ROOT / "docker-compose.yml"
INIT_SCRIPT = ROOT / "docker" / "initdb" / "10-roles.sh"
ROLES_SQL = ROOT / "scripts" / "postgres_roles.sql"
PROXY_CONF = ROOT / "docker" / "proxy" / "nginx.conf"
REPLICA_START = ROOT / "docker" / "replica" / "start.sh"
REPLICATION_INIT = ROOT / "docker" / "initdb" / "20-replication.sh"

SETTINGS_ENV = {name.upper() for name in Settings.model_fields}
PSQL_VARIABLE = re.compile(r"(?<![:\w]):(?:'(\w+)'|\"(\w+)\"|(\w+))")
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}
COMPOSE_VARIABLE = re.compile(r"\$\{(\w+)(?:(:?-)([^}]*)|(:?\?)([^}]*))?\}")


def dockerfile_instructions() -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        keyword, _, rest = full.partition(" ")
        lines.append((keyword.upper(), rest.strip()))
    return lines


INSTRUCTIONS = dockerfile_instructions()


def instruction_args(keyword: str) -> list[str]:
    return [rest for kw, rest in INSTRUCTIONS if kw == keyword]


def exec_form(rest: str) -> list[str]:
    return json.loads(rest) if rest.startswith("[") else shlex.split(rest)


def dockerfile_cmd() -> str:
    cmds = instruction_args("CMD")
    assert cmds, "the Dockerfile has no CMD"
    return " ".join(exec_form(cmds[-1]))


def copy_sources() -> list[str]:
    sources = []
    for rest in instruction_args("COPY"):
        args = [a for a in shlex.split(rest) if not a.startswith("--")]
        sources.extend(args[:-1])
    return sources


def interpolate(value: str) -> str:
    """Compose-style interpolation independent of the caller's environment: ${VAR:-default} is
    its default, a required ${VAR:?message} the placeholder <VAR>."""

    def value_of(match: re.Match[str]) -> str:
        name, default_op, default, required_op, _ = match.groups()
        if required_op:
            return f"<{name}>"
        return default or ""

    return COMPOSE_VARIABLE.sub(value_of, value)


def compose_variables() -> list[tuple[str, str | None, str | None]]:
    """Every ${...} in docker-compose.yml: (name, default or None, required message or None)."""
    found = []
    for match in COMPOSE_VARIABLE.finditer(COMPOSE_FILE.read_text()):
        name, default_op, default, required_op, message = match.groups()
        found.append((name, default if default_op else None, message if required_op else None))
    return found


COMPOSE = yaml.safe_load(COMPOSE_FILE.read_text())
SERVICES = COMPOSE["services"]


def environment(service: str) -> dict[str, str]:
    env = SERVICES[service].get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: interpolate(str(value)) for key, value in env.items()}


def command(service: str) -> list[str]:
    cmd = SERVICES[service]["command"]
    return shlex.split(cmd) if isinstance(cmd, str) else list(cmd)


def database_url(service: str, name: str) -> URL:
    return make_url(environment(service)[name])


def depends_on(service: str) -> dict[str, dict]:
    deps = SERVICES[service].get("depends_on") or {}
    if isinstance(deps, list):
        return {name: {"condition": "service_started"} for name in deps}
    return deps


def volume_mounts(service: str) -> list[tuple[str, str]]:
    mounts = []
    for volume in SERVICES[service].get("volumes", []):
        if isinstance(volume, dict):
            mounts.append((volume["source"], volume["target"]))
        else:
            source, target = volume.split(":")[:2]
            mounts.append((source, target))
    return mounts


def sql_variables() -> set[str]:
    names = set()
    for line in ROLES_SQL.read_text().splitlines():
        code = line.split("--", 1)[0]
        for match in PSQL_VARIABLE.finditer(code):
            names.add(next(group for group in match.groups() if group))
    return names


def init_script_variables() -> dict[str, str]:
    script = INIT_SCRIPT.read_text().replace("\\\n", " ")
    return dict(re.findall(r"-v\s+(\w+)=\"?\$\{?(\w+)\}?\"?", script))


def uvicorn_port() -> int:
    match = re.search(r"--port[ =](\d+)", dockerfile_cmd())
    assert match, f"no --port in the Dockerfile CMD: {dockerfile_cmd()!r}"
    return int(match.group(1))


def test_base_image_is_python_311_slim() -> None:
    froms = instruction_args("FROM")
    assert froms, "the Dockerfile has no FROM"
    assert froms[0].split()[0] == "python:3.11-slim", f"base image is {froms[0]!r}"


def test_runs_as_non_root_user() -> None:
    users = instruction_args("USER")
    assert users, "the Dockerfile never switches USER, so the container runs as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}, f"the final USER is {user!r}"
    runs = " ".join(instruction_args("RUN"))
    assert re.search(rf"\b(useradd|adduser)\b[^&;]*\b{re.escape(user)}\b", runs), (
        f"no RUN creates the user {user!r}"
    )


@pytest.mark.parametrize("source", copy_sources())
def test_copy_source_exists(source: str) -> None:
    assert (ROOT / source).exists(), f"COPY {source}: no such path in the project"


@pytest.mark.parametrize("source", copy_sources())
def test_copy_source_not_dockerignored(source: str) -> None:
    patterns = [
        p.strip() for p in DOCKERIGNORE.read_text().splitlines() if p.strip() and not p.startswith("#")
    ]
    path = source.rstrip("/")
    ignored = [p for p in patterns if fnmatch.fnmatch(path, p.rstrip("/"))]
    assert not ignored, f"COPY {source} is excluded from the build context by {ignored}"


@pytest.mark.parametrize(
    "path", ["pyproject.toml", "README.md", "app", "alembic.ini", "migrations", "scripts", "seeds"]
)
def test_image_gets_what_the_app_and_loader_need(path: str) -> None:
    copied = {s.rstrip("/") for s in copy_sources()}
    assert path in copied, f"the Dockerfile does not COPY {path}"


def test_dependencies_installed_from_pyproject() -> None:
    runs = instruction_args("RUN")
    assert any(re.search(r"pip install\b.*\s\.(\s|$)", run) for run in runs), "no `pip install .` RUN"


def test_cmd_module_is_a_fastapi_app() -> None:
    match = re.search(r"uvicorn\s+([\w.]+):(\w+)", dockerfile_cmd())
    assert match, f"the Dockerfile CMD does not run uvicorn: {dockerfile_cmd()!r}"
    module, attribute = match.groups()
    app = getattr(importlib.import_module(module), attribute, None)
    assert isinstance(app, FastAPI), f"{module}:{attribute} is {type(app).__name__}, not FastAPI"


def test_cmd_listens_on_all_interfaces_with_configurable_workers() -> None:
    cmd = dockerfile_cmd()
    assert re.search(r"--host[ =]0\.0\.0\.0", cmd), f"uvicorn does not listen on 0.0.0.0: {cmd!r}"
    assert re.search(r"--workers[ =]\"?\$\{WEB_CONCURRENCY:-2\}", cmd), (
        f"uvicorn workers do not come from WEB_CONCURRENCY (default 2): {cmd!r}"
    )


def test_expose_matches_uvicorn_port() -> None:
    exposed = {int(p.split("/")[0]) for rest in instruction_args("EXPOSE") for p in rest.split()}
    assert uvicorn_port() in exposed, f"EXPOSE {exposed} does not include uvicorn's port {uvicorn_port()}"


def test_healthcheck_probes_the_health_route() -> None:
    checks = instruction_args("HEALTHCHECK")
    assert checks, "the Dockerfile has no HEALTHCHECK"
    match = re.search(r"http://127\.0\.0\.1:(\d+)(/\w*)", checks[-1])
    assert match, f"the HEALTHCHECK does not fetch a local URL: {checks[-1]!r}"
    assert "urllib" in checks[-1], "the HEALTHCHECK does not use python's urllib"
    assert int(match.group(1)) == uvicorn_port(), "the HEALTHCHECK port differs from uvicorn's"
    from app.main import app

    response = TestClient(app).get(match.group(2))
    assert response.status_code == 200, f"GET {match.group(2)} answers {response.status_code}"


def test_only_the_proxy_publishes_a_port() -> None:
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"proxy"}, f"services publishing host ports: {published}"
    ports = SERVICES["proxy"]["ports"]
    listen = re.findall(r"^\s*listen\s+(\d+);", PROXY_CONF.read_text(), re.M)
    container_ports = {str(p).split(":")[-1].split("/")[0] for p in ports}
    assert container_ports == set(listen), f"proxy ports {ports} do not map nginx's listen {listen}"


def test_proxy_is_a_maintained_nginx_over_every_api_replica() -> None:
    image = SERVICES["proxy"]["image"]
    name, _, tag = image.partition(":")
    assert name == "nginx", f"proxy image {image!r}"
    assert tuple(int(n) for n in tag.split("-")[0].split(".")) >= (1, 27, 3), (
        f"{image}: `server ... resolve` needs nginx 1.27.3 or later"
    )
    mounts = {target: source for source, target in volume_mounts("proxy")}
    assert mounts.get("/etc/nginx/nginx.conf") == "./docker/proxy/nginx.conf", mounts
    conf = PROXY_CONF.read_text()
    servers = re.findall(r"^\s*server\s+([\w.-]+):(\d+)\s+resolve;", conf, re.M)
    assert servers == [("api", str(uvicorn_port()))], f"upstream servers {servers}"
    assert re.search(r"^\s*resolver\s+127\.0\.0\.11\b", conf, re.M), "no resolver: Docker's DNS"
    assert re.search(r"proxy_pass\s+http://api;", conf), "the proxy does not pass to the api upstream"
    assert re.search(r"proxy_set_header\s+Host\s+\$http_host;", conf), "links would name the upstream host"
    replicas = int(interpolate(str(SERVICES["api"]["deploy"]["replicas"])))
    assert replicas >= 2, f"api runs {replicas} replica(s)"
    assert depends_on("proxy").get("api", {}).get("condition") == "service_healthy"


def test_no_password_has_a_default() -> None:
    """An unset password stops `docker compose up`, with a message naming the variable."""
    variables = compose_variables()
    passwords = [v for v in variables if "PASSWORD" in v[0]]
    assert {name for name, _, _ in passwords} == {
        "POSTGRES_PASSWORD", "APP_OWNER_PASSWORD", "APP_READER_PASSWORD", "REPLICATION_PASSWORD"
    }  # fmt: skip
    for name, default, message in passwords:
        assert default is None, f"${{{name}}} has the default {default!r}"
        assert message is not None and f"set {name}" in message, f"${{{name}}} must be required, saying so"


def test_replica_is_a_streaming_hot_standby_of_db() -> None:
    env = environment("replica")
    assert SERVICES["replica"]["image"] == SERVICES["db"]["image"]
    assert env["PRIMARY_HOST"] == "db"
    assert env["REPLICATION_USER"] == environment("db")["REPLICATION_USER"]
    assert env["REPLICATION_PASSWORD"] == environment("db")["REPLICATION_PASSWORD"]
    start = REPLICA_START.read_text()
    assert os.access(REPLICA_START, os.X_OK), "docker/replica/start.sh is not executable"
    assert re.search(r"pg_basebackup\b[^\n]*\s-R\b", start), "the replica is not made by pg_basebackup -R"
    assert "hot_standby=on" in start and "hot_standby_feedback=on" in start
    assert SERVICES["replica"]["entrypoint"] == ["/replica/start.sh"]
    assert {t: s for s, t in volume_mounts("replica")}.get("/replica") == "./docker/replica"
    assert depends_on("replica").get("db", {}).get("condition") == "service_healthy"
    grant = REPLICATION_INIT.read_text()
    assert "REPLICATION LOGIN" in grant and "host replication $REPLICATION_USER" in grant
    assert os.access(REPLICATION_INIT, os.X_OK)
    assert "wal_level=replica" in SERVICES["db"]["command"]


def test_seed_script_exists_and_accepts_its_flags() -> None:
    cmd = command("seed")
    scripts = [arg for arg in cmd if arg.endswith(".py")]
    assert scripts, f"the seed command runs no script: {cmd}"
    script = ROOT / scripts[0]
    assert script.is_file(), f"{scripts[0]} does not exist"
    result = subprocess.run(
        [sys.executable, str(script), "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k not in SETTINGS_ENV},
    )
    assert result.returncode == 0, f"{scripts[0]} --help failed:\n{result.stderr}"
    for flag in (arg.split("=")[0] for arg in cmd if arg.startswith("--")):
        assert flag in result.stdout, f"{scripts[0]} does not accept {flag}"


@pytest.mark.parametrize(("service", "variable"), [("api", "DATABASE_URL"), ("seed", "LOADER_DATABASE_URL")])
def test_database_url_is_a_settings_field(service: str, variable: str) -> None:
    assert variable in SETTINGS_ENV, f"{variable} is not a field of app.config.Settings"
    assert variable in environment(service), f"{service} does not set {variable}"


@pytest.mark.parametrize("service", ["api", "seed"])
def test_every_env_var_is_used(service: str) -> None:
    uvicorn_reads = {"FORWARDED_ALLOW_IPS"}  # uvicorn's own Config reads it from the environment
    unknown = [
        name
        for name in environment(service)
        if name not in SETTINGS_ENV and name not in dockerfile_cmd() and name not in uvicorn_reads
    ]
    assert not unknown, f"{service} sets {unknown}, read neither by Settings, uvicorn nor by the CMD"


@pytest.mark.parametrize(
    ("service", "variable", "role", "password", "host"),
    [
        ("seed", "LOADER_DATABASE_URL", "APP_OWNER", "APP_OWNER_PASSWORD", "db"),
        ("api", "DATABASE_URL", "APP_READER", "APP_READER_PASSWORD", "replica"),
    ],
)
def test_database_url_matches_the_db_service(
    service: str, variable: str, role: str, password: str, host: str
) -> None:
    """The loader writes the primary; the API reads the replica, as the reader role."""
    url = database_url(service, variable)
    db_env = environment("db")
    assert url.drivername == "postgresql+psycopg", f"{variable} uses driver {url.drivername}"
    assert url.host == host, f"{variable} points at host {url.host!r}, not the {host} service"
    assert url.port in (None, 5432), f"{variable} uses port {url.port}"
    assert url.database == db_env["APP_DB"], f"{variable} names database {url.database!r}"
    assert url.username == db_env[role], f"{variable} logs in as {url.username!r}, not {role}"
    assert url.password == db_env[password], f"{variable}'s password differs from {password}"


def test_names_are_the_agreed_ones() -> None:
    db_env = environment("db")
    assert (db_env["APP_DB"], db_env["APP_OWNER"], db_env["APP_READER"]) == (
        "initiatives",
        "initiatives",
        "initiatives_api",
    )


def test_db_image_is_postgres_16() -> None:
    assert SERVICES["db"]["image"] == "postgres:16", f"db image is {SERVICES['db']['image']!r}"


@pytest.mark.parametrize("source", [s for s, _ in volume_mounts("db") if s.startswith(".")])
def test_mounted_host_path_exists(source: str) -> None:
    assert (COMPOSE_FILE.parent / source).exists(), f"db mounts {source}, which does not exist"


def test_db_mounts_init_dir_and_roles_sql() -> None:
    mounts = {target: source for source, target in volume_mounts("db")}
    assert mounts.get("/docker-entrypoint-initdb.d") == "./docker/initdb", f"init dir mount: {mounts}"
    assert mounts.get("/sql/postgres_roles.sql") == "./scripts/postgres_roles.sql", (
        f"roles SQL mount: {mounts}"
    )


def test_db_data_is_a_declared_named_volume() -> None:
    mounts = {target: source for source, target in volume_mounts("db")}
    name = mounts.get("/var/lib/postgresql/data")
    assert name, "db does not mount a volume at /var/lib/postgresql/data"
    assert not name.startswith((".", "/")), f"db data is a bind mount ({name}), not a named volume"
    assert name in (COMPOSE.get("volumes") or {}), f"volume {name!r} is not declared at top level"


def test_db_healthcheck_waits_for_the_app_database() -> None:
    check = SERVICES["db"].get("healthcheck")
    assert check, "db has no healthcheck"
    test = " ".join(check["test"]) if isinstance(check["test"], list) else check["test"]
    assert "pg_isready" in test, f"db healthcheck does not use pg_isready: {test!r}"
    assert re.search(rf"-d\s+{environment('db')['APP_DB']}\b", test), (
        f"healthcheck ignores the app db: {test!r}"
    )
    assert check.get("interval"), "db healthcheck sets no interval"
    assert check.get("retries"), "db healthcheck sets no retries"


def test_init_script_is_executable() -> None:
    assert os.access(INIT_SCRIPT, os.X_OK), f"{INIT_SCRIPT.relative_to(ROOT)} is not executable"


def test_init_script_runs_the_mounted_roles_sql() -> None:
    text = INIT_SCRIPT.read_text()
    assert text.startswith("#!"), "the init script has no shebang"
    assert re.search(r"-f\s+/sql/postgres_roles\.sql\b", text), (
        "the init script does not run /sql/postgres_roles.sql"
    )
    assert "ON_ERROR_STOP=1" in text, "the init script does not stop on SQL errors"


@pytest.mark.parametrize("name", sorted(sql_variables()))
def test_init_script_sets_every_sql_variable(name: str) -> None:
    assert name in init_script_variables(), (
        f"postgres_roles.sql uses :{name} but the init script sets no -v {name}"
    )


def test_init_script_env_vars_come_from_the_db_service() -> None:
    db_env = environment("db")
    missing = [env for env in init_script_variables().values() if env not in db_env]
    assert not missing, f"the init script reads {missing}, which the db service does not set"


def test_api_waits_for_the_seed_to_finish() -> None:
    deps = depends_on("api")
    assert deps.get("seed", {}).get("condition") == "service_completed_successfully", (
        f"api depends_on: {deps}"
    )


def test_seed_waits_for_a_healthy_db() -> None:
    deps = depends_on("seed")
    assert deps.get("db", {}).get("condition") == "service_healthy", f"seed depends_on: {deps}"


def test_seed_is_one_shot_and_api_restarts() -> None:
    assert str(SERVICES["seed"].get("restart", "no")) == "no", "seed must not restart"
    assert SERVICES["api"].get("restart") == "unless-stopped", "api should restart unless stopped"


@pytest.mark.parametrize("service", ["seed", "api"])
def test_app_services_build_the_project_image(service: str) -> None:
    build = SERVICES[service].get("build")
    context = build.get("context") if isinstance(build, dict) else build
    assert context == ".", f"{service} does not build the project's Dockerfile"
