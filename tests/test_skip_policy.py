"""No test skips silently where CI requires what it needs.

.ci/run sets REQUIRE_POSTGRES=1, REQUIRE_BROWSER=1 and REQUIRE_OPENREFINE=1: there, a missing
PostgreSQL, Chromium or OpenRefine must fail the run instead of skipping half of it. This scans the test sources: every skip
(`pytest.skip`, `pytest.importorskip`, `pytest.mark.skip`/`skipif`) must sit in a function that
fails instead when a REQUIRE_* variable that .ci/run exports is set (as conftest.pg_server and
test_browser._require_chromium do), or be listed in ALLOWED with the reason it may skip in CI.
"""

import ast
import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CI_RUN = TESTS.parent / ".ci" / "run"
SKIPS = {"skip", "importorskip", "skipif"}
# (file, function) -> why skipping there is right even in CI.
ALLOWED = {
    ("test_loader.py", "test_every_quote_is_in_its_article"): "the articles live outside the"
    " project (../shared/seeds), which CI lays beside its clone; no REQUIRE_* names them",
}


def required_in_ci() -> set[str]:
    return set(re.findall(r"\b(REQUIRE_[A-Z]+)=1\b", CI_RUN.read_text()))


def _is_skip(node: ast.AST) -> bool:
    """pytest.skip, pytest.importorskip, pytest.mark.skip / skipif: called or used as a marker."""
    return isinstance(node, ast.Attribute) and node.attr in SKIPS and "pytest" in ast.unparse(node)


def skips_and_their_guards() -> list[tuple[str, str, int, set[str]]]:
    """(file, enclosing function or "<module>", line, REQUIRE_* names that function fails on)."""
    found = []
    for path in sorted(TESTS.glob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        for node in ast.walk(tree):
            if not _is_skip(node) or path.name == Path(__file__).name:
                continue
            line = getattr(node, "lineno", 0)
            enclosing = [f for f in functions if f.lineno <= line <= (f.end_lineno or f.lineno)]
            if not enclosing:
                found.append((path.name, "<module>", line, set()))
                continue
            function = min(enclosing, key=lambda f: (f.end_lineno or f.lineno) - f.lineno)
            source = ast.unparse(function)
            guards = set(re.findall(r"REQUIRE_[A-Z]+", source)) if "pytest.fail(" in source else set()
            found.append((path.name, function.name, line, guards))
    return found


def test_ci_requires_postgres_the_browser_and_openrefine() -> None:
    assert {"REQUIRE_POSTGRES", "REQUIRE_BROWSER", "REQUIRE_OPENREFINE"} <= required_in_ci()


def test_every_skip_fails_instead_where_ci_requires_its_component() -> None:
    required = required_in_ci()
    unguarded = [
        f"{file}:{line} in {function}"
        for file, function, line, guards in skips_and_their_guards()
        if not guards & required and (file, function) not in ALLOWED
    ]
    assert not unguarded, (
        "skips that CI would take silently: fail instead when the REQUIRE_* variable of their"
        f" component is set, or add them to ALLOWED with the reason: {unguarded}"
    )


def test_the_scan_finds_the_known_skips() -> None:
    """The scan itself works: it sees the guarded skips and every allowed one still exists."""
    found = {(file, function): guards for file, function, _, guards in skips_and_their_guards()}
    assert found[("conftest.py", "pg_server")] == {"REQUIRE_POSTGRES"}
    assert found[("test_browser.py", "_require_chromium")] == {"REQUIRE_BROWSER"}
    assert found[("test_openrefine.py", "_require_openrefine")] == {"REQUIRE_OPENREFINE"}
    assert set(ALLOWED) <= set(found), "ALLOWED names a skip that no longer exists"
