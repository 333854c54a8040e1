"""The seed loader: success, idempotency, deletion, and bad input that changes nothing."""

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.seeding.load import load
from app.seeding.provenance import stated_number
from app.seeding.seedset import SeedValidationError
from app.seeding.validate import load_seed_dir
from scripts.load_seeds import main
from tests.conftest import ARTICLES, SEEDS
from tests.helpers import copy_minimal, edit, table_contents
from tests.pg import Database


def scalar(url: str, sql: str) -> object:
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text(sql)).scalar()
    engine.dispose()
    return value


EXPECTED_COUNTS = {
    "sources": 5,
    "organizations": 30,
    "people": 5,
    "initiatives": 35,
    "mous": 6,
    "pledges": 10,
    "figures": 10,
}


def test_loads_the_curated_seeds(empty_db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", empty_db.writer_url, "--articles", str(ARTICLES)]) == 0
    out = capsys.readouterr().out
    assert "dataset version bumped" in out
    for table, count in EXPECTED_COUNTS.items():
        assert scalar(empty_db.writer_url, f"SELECT count(*) FROM {table}") == count, table
        assert f"{table} " in out
    assert scalar(empty_db.writer_url, "SELECT version FROM dataset") == 1
    # every initiative, MoU, pledge, figure and person cites at least one source
    for table, column in (
        ("initiatives", "initiative_id"),
        ("mous", "mou_id"),
        ("pledges", "pledge_id"),
        ("figures", "figure_id"),
        ("people", "person_id"),
    ):
        uncited = scalar(
            empty_db.writer_url,
            f"SELECT count(*) FROM {table} t WHERE NOT EXISTS"
            f" (SELECT 1 FROM citations c WHERE c.{column} = t.id)",
        )
        assert uncited == 0, table


def test_second_run_changes_nothing(empty_db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    load(empty_db.writer_url, SEEDS)
    before = table_contents(empty_db.writer_url)
    assert main(["--database-url", empty_db.writer_url]) == 0
    out = capsys.readouterr().out
    assert "no changes" in out
    for line in out.splitlines()[1:-1]:
        assert line.split()[1:] == ["0", "0", "0"], line
    assert table_contents(empty_db.writer_url) == before


def test_removed_and_changed_records_follow_the_seeds(empty_db: Database, tmp_path: Path) -> None:
    seeds, articles = copy_minimal(tmp_path)
    counts = load(empty_db.writer_url, seeds, articles=articles)
    assert counts["pledges"].inserted == 1
    source = seeds / "sources" / "a.yaml"
    text_before = source.read_text()
    # drop the pledge and the figure reporting on it (they end the file), change the initiative's status
    source.write_text(text_before.split("pledges:")[0].replace("status: announced", "status: active", 1))
    counts = load(empty_db.writer_url, seeds, articles=articles)
    assert counts["pledges"].deleted == 1
    assert counts["pledge_countries"].deleted == 1
    assert counts["figures"].deleted == 1
    assert counts["initiatives"].updated == 1
    assert counts["citations"].deleted == 2
    assert scalar(empty_db.writer_url, "SELECT count(*) FROM pledges") == 0
    assert scalar(empty_db.writer_url, "SELECT status FROM initiatives") == "active"
    assert scalar(empty_db.writer_url, "SELECT version FROM dataset") == 2


def test_removing_a_parent_and_its_child_together(empty_db: Database, tmp_path: Path) -> None:
    seeds, articles = copy_minimal(tmp_path)
    load(empty_db.writer_url, seeds, articles=articles)
    source = seeds / "sources" / "a.yaml"
    edit(source, "parties: [acme-malaysia, beta-uni]", "parties: [acme, beta-uni]")
    # the quote names Acme Malaysia: the parent as a party is an inference, and says so
    edit(source, "supports: [parties, signed_on, place]", "supports: [signed_on, place]")
    edit(
        source,
        "        supports: [witnesses]\n",
        "        supports: [witnesses]\n    inferred:\n      parties: 'the test: Acme Malaysia is gone'\n",
    )
    orgs = seeds / "organizations.yaml"
    text_orgs = orgs.read_text()
    start = text_orgs.index("  - id: acme-malaysia")
    end = text_orgs.index("  - id: beta-uni")
    orgs.write_text(text_orgs[:start] + text_orgs[end:])
    counts = load(empty_db.writer_url, seeds, articles=articles)
    assert counts["organizations"].deleted == 1
    assert counts["organization_aliases"].deleted == 1


def test_every_quote_is_in_its_article() -> None:
    if not ARTICLES.is_dir():
        pytest.skip("../shared/seeds is not present")
    seeds = load_seed_dir(SEEDS, articles=ARTICLES)
    assert len(seeds.sources) == 5


def _drop_line(path: Path, needle: str) -> None:
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(line for line in lines if needle not in line))


Breaker = Callable[[Path], None]
ORGS, SRC = "organizations.yaml", "sources/a.yaml"

BAD_INPUTS: list[tuple[str, Breaker, list[str]]] = [
    (
        "unknown key",
        lambda s: edit(s / SRC, "    kind: talent_programme", "    kind: talent_programme\n    colour: red"),
        [SRC, "initiatives/acme-academy", "colour", "unknown key"],
    ),
    (
        "missing field",
        lambda s: _drop_line(s / SRC, "name: Acme Academy"),
        [SRC, "initiatives/acme-academy", "'name'", "required field is missing"],
    ),
    (
        "bad country code",
        lambda s: edit(s / SRC, "countries: [MY]", "countries: [XX]"),
        [SRC, "initiatives/acme-academy", "countries[0]", "ISO 3166-1"],
    ),
    (
        "unknown reference",
        lambda s: edit(
            s / SRC, "{organization: beta-uni, role: partner}", "{organization: gamma, role: partner}"
        ),
        [SRC, "initiatives/acme-academy", "participants[1].organization", "unknown organization 'gamma'"],
    ),
    (
        "duplicate id across files",
        lambda s: (s / "sources" / "b.yaml").write_text(
            (s / SRC).read_text().replace("id: acme-news", "id: acme-news-2").replace("a.txt", "b.txt")
        ),
        ["sources/b.yaml", "initiatives/acme-academy", "duplicate id", "first defined in"],
    ),
    (
        "non-positive amount",
        lambda s: edit(s / SRC, "amount: 500", "amount: 0"),
        [SRC, "pledges/acme-500-engineers", "'amount'", "greater than 0"],
    ),
    (
        "invalid date",
        lambda s: edit(s / SRC, 'signed_on: "2024-03-03"', 'signed_on: "2024-02-30"'),
        [SRC, "mous/mou-acme-beta", "signed_on", "not a real date"],
    ),
    (
        "unknown enum value",
        lambda s: edit(s / SRC, "kind: talent_programme", "kind: hackathon"),
        [SRC, "initiatives/acme-academy", "'kind'", "talent_programme"],
    ),
    (
        "unit that does not fit the metric",
        lambda s: edit(s / SRC, "unit: people", "unit: USD"),
        [SRC, "pledges/acme-500-engineers", "does not fit metric"],
    ),
    (
        "quote not in the article",
        lambda s: edit(
            s / SRC, "- quote: Acme Corp pledged to train 500", "- quote: Acme Corp promised to train 500"
        ),
        # the closest passage of the article is shown, so that the curator sees the slip
        [
            SRC,
            "initiatives/acme-academy",
            "citations[0].quote",
            "quote not found in the article",
            "closest passage is 'Acme Corp pledged to train 500",
        ],
    ),  # fmt: skip
    (
        "attribution not in the article",
        lambda s: edit(
            s / SRC, "attribution: Science Minister Jane Tan", "attribution: Minister Jane Tan said"
        ),
        [SRC, "figures/acme-academy-120-students", "citations[0].attribution", "not found in the article"],
    ),
    (
        "dateline not in the article",
        lambda s: edit(s / SRC, "text: KUALA LUMPUR, March 3", "text: KUALA LUMPUR, March 4"),
        [SRC, "sources/acme-news", "dateline.text", "not found in the article"],
    ),
    (
        "fact field neither supported nor inferred",
        lambda s: edit(s / SRC, "supports: [parties, signed_on, place]", "supports: [parties, signed_on]"),
        [SRC, "mous/mou-acme-beta", "'place'", "no citation supports this field", "`inferred`"],
    ),
    (
        "supports names a field the record does not have",
        lambda s: edit(s / SRC, "supports: [witnesses]", "supports: [witnesses, colour]"),
        [SRC, "mous/mou-acme-beta", "citations[1].supports", "'colour' is not a field of mous"],
    ),
    (
        "a party not named in the quote that supports parties",
        lambda s: edit(s / ORGS, "aliases: [Beta Uni]", "aliases: [BU]"),
        [
            SRC,
            "mous/mou-acme-beta",
            "parties[1]",
            "'beta-uni' is not named in any quote supporting 'parties'",
        ],
    ),
    (
        "a pledger not named in the quote that supports pledgers",
        lambda s: edit(s / SRC, "pledgers: [acme]", "pledgers: [acme, beta-uni]"),
        [SRC, "pledges/acme-500-engineers", "pledgers[1]", "not named in any quote supporting 'pledgers'"],
    ),
    (
        "a witness not named in the quote that supports witnesses",
        lambda s: edit(s / "people.yaml", "name: Jane Tan", "name: Janet Tan"),
        [SRC, "mous/mou-acme-beta", "witnesses[0]", "'jane-tan' is not named"],
    ),
    (
        "amount_text not in a quote supporting amount",
        lambda s: edit(s / SRC, 'amount_text: "500"', 'amount_text: "five hundred"'),
        [SRC, "pledges/acme-500-engineers", "amount_text", "is not in a quote supporting 'amount'"],
    ),
    (
        "amount_text stating another number",
        lambda s: edit(s / SRC, "amount: 500\n", "amount: 5000\n"),
        [SRC, "pledges/acme-500-engineers", "amount_text", "'500' states 500, not the amount 5,000"],
    ),
    (
        "target_text not in its quote",
        lambda s: edit(s / SRC, "target_text: by 2027", "target_text: before 2027"),
        [SRC, "pledges/acme-500-engineers", "target_text", "'before 2027' is not in a quote supporting"],
    ),
    (
        "milestone text not in its quote",
        lambda s: edit(s / SRC, "text: Acme Corp pledged to train 500 engineers", "text: Acme launched"),
        [SRC, "initiatives/acme-academy", "milestones[0].text", "'Acme launched' is not in a quote"],
    ),
    (
        "position title not in its quote",
        lambda s: edit(s / "people.yaml", "title: Science Minister", "title: Minister of Science"),
        ["people.yaml", "people/jane-tan", "positions[0].title", "'Minister of Science' is not in a quote"],
    ),
    (
        "a speaker named neither in the quote nor its attribution",
        lambda s: _drop_line(s / SRC, "attribution: Science Minister Jane Tan"),
        [SRC, "figures/acme-academy-120-students", "citations[0].speaker", "named neither in the quote"],
    ),
    (
        "a speaker who is not a person",
        lambda s: edit(s / SRC, "speaker: jane-tan", "speaker: acme"),
        [SRC, "figures/acme-academy-120-students", "citations[0].speaker", "unknown person 'acme'"],
    ),
    (
        "a witness who is not a person",
        lambda s: edit(s / SRC, "witnesses: [jane-tan]", "witnesses: [acme]"),
        [SRC, "mous/mou-acme-beta", "witnesses[0]", "unknown person 'acme'"],
    ),
    (
        "a part_of cycle",
        lambda s: edit(
            s / SRC, "    sectors: [education]\n", "    sectors: [education]\n    part_of: acme-academy\n"
        ),
        [SRC, "initiatives/acme-academy", "not part of itself"],
    ),
    (
        "scope listed without countries",
        lambda s: edit(
            s / SRC, "    countries: [MY]\n    scope: listed\n    sectors", "    scope: listed\n    sectors"
        ),
        [SRC, "initiatives/acme-academy", "needs countries", "'unstated'"],
    ),
    (
        "a figure with two subjects",
        lambda s: edit(
            s / SRC,
            "    initiative: acme-academy\n    metric: people_trained\n    amount: 120",
            "    initiative: acme-academy\n    organization: acme\n    metric: people_trained\n    amount: 120",
        ),
        [SRC, "figures/acme-academy-120-students", "exactly one of organization or initiative"],
    ),  # fmt: skip
    (
        "MoU with one party",
        lambda s: edit(s / SRC, "parties: [acme-malaysia, beta-uni]", "parties: [acme-malaysia]"),
        [SRC, "mous/mou-acme-beta", "parties", "at least 2"],
    ),
    (
        "cycle in organization parents",
        lambda s: edit(s / ORGS, "    country: US\n", "    country: US\n    parent: acme-malaysia\n"),
        [ORGS, "organizations/", "parent", "parent cycle"],
    ),
    (
        "duplicate key in one mapping",
        lambda s: edit(s / SRC, "    status: announced\n", "    status: announced\n    status: active\n"),
        [SRC, "duplicate key 'status'"],
    ),
    (
        "alias bomb",
        lambda s: (s / "sources" / "bomb.yaml").write_text(
            'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n'
            + "".join(
                f"l{i}: &l{i} [{','.join(['*' + ('a' if i == 0 else f'l{i - 1}')] * 10)}]\n" for i in range(8)
            )
        ),
        ["sources/bomb.yaml", "anchors/aliases", "refused"],
    ),
    (
        "non-UTF-8 bytes",
        lambda s: (s / SRC).write_bytes((s / SRC).read_bytes().replace(b"Acme Academy", b"Acme \xe9cole")),
        [SRC, "not UTF-8", "0xe9"],
    ),
    (
        "a 50 MB file",
        lambda s: (s / "sources" / "huge.yaml").write_bytes(b"# " + b"x" * (50 * 1024 * 1024)),
        ["sources/huge.yaml", "more than the"],
    ),
    (
        "control character in a name",
        lambda s: edit(s / ORGS, "name: Acme Corp", 'name: "Acme\\u0007 Corp"'),
        [ORGS, "organizations/acme", "name", "control character U+0007"],
    ),
    (
        "invalid YAML",
        lambda s: edit(s / SRC, "    countries: [MY]", "    countries: [MY"),
        [SRC, "invalid YAML"],
    ),
    (
        "unknown initiative of a citation",
        lambda s: (s / SRC).write_text(
            (s / SRC).read_text() + "citations:\n  - initiative: nothing-here\n    quote: Acme Corp pledged\n"
        ),
        [SRC, "citations[0]", "initiative", "unknown initiative 'nothing-here'"],
    ),
]


@pytest.mark.parametrize(("case", "breaker", "expected"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_seed_input_is_refused_and_changes_nothing(
    empty_db: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    breaker: Breaker,
    expected: list[str],
) -> None:
    seeds, articles = copy_minimal(tmp_path)
    load(empty_db.writer_url, seeds, articles=articles)
    before = table_contents(empty_db.writer_url)
    capsys.readouterr()

    breaker(seeds)
    code = main(["--database-url", empty_db.writer_url, "--seeds", str(seeds), "--articles", str(articles)])

    captured = capsys.readouterr()
    assert code == 1, case
    assert "Traceback" not in captured.err
    assert "the database was not changed" in captured.err
    for fragment in expected:
        assert fragment in captured.err, f"{fragment!r} missing from:\n{captured.err}"
    assert table_contents(empty_db.writer_url) == before


def test_bad_input_on_an_empty_database_creates_nothing(empty_db: Database, tmp_path: Path) -> None:
    seeds, articles = copy_minimal(tmp_path)
    edit(seeds / SRC, "amount: 500", "amount: -5")
    with pytest.raises(SeedValidationError):
        load(empty_db.writer_url, seeds, articles=articles)
    assert table_contents(empty_db.writer_url) == {}


def test_check_validates_without_writing(empty_db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", empty_db.writer_url, "--check"]) == 0
    assert "seeds are valid" in capsys.readouterr().out
    assert table_contents(empty_db.writer_url) == {}


def test_errors_carry_the_line(tmp_path: Path) -> None:
    seeds, _ = copy_minimal(tmp_path)
    edit(seeds / SRC, "kind: talent_programme", "kind: hackathon")
    with pytest.raises(SeedValidationError) as info:
        load_seed_dir(seeds)
    (error,) = info.value.errors
    assert error.line == 15
    assert str(error).startswith(f"seeds/{SRC}:15: record 'initiatives/acme-academy', field 'kind'")


def test_diff_prints_each_change_and_writes_nothing(
    empty_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds, articles = copy_minimal(tmp_path)
    load(empty_db.writer_url, seeds, articles=articles)
    before = table_contents(empty_db.writer_url)
    capsys.readouterr()
    # one record modified (a field and a list), one added, one deleted
    edit(seeds / SRC, "target_text: by 2027", "target_text: null")
    edit(
        seeds / SRC,
        "supports: [pledgers, amount, countries, target_on, status]",
        "supports: [pledgers, amount, countries, status]",
    )
    edit(seeds / SRC, '    target_on: "2027"\n', "    target_on: null\n")
    edit(
        seeds / ORGS,
        "  - id: beta-uni\n",
        "  - id: gamma\n    name: Gamma\n    kind: ngo\n  - id: beta-uni\n",
    )
    (seeds / "people.yaml").write_text("people: []\n")  # no people: Jane Tan is deleted ...
    edit(seeds / SRC, "witnesses: [jane-tan]", "witnesses: []")  # ... and witnesses no one
    edit(seeds / SRC, "        speaker: jane-tan\n        attribution: Science Minister Jane Tan\n", "")

    assert main(["--database-url", empty_db.writer_url, "--seeds", str(seeds), "--diff"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "modified pledge acme-500-engineers" in out
    assert '    target_on: "2027-01-01" -> null' in out
    assert '    target_text: "by 2027" -> null' in out
    assert "added organization gamma" in out
    assert "deleted person jane-tan" in out
    assert "modified mou mou-acme-beta" in out
    assert any(line.startswith("    witnesses: [") and line.endswith("-> []") for line in out)
    assert "modified figure acme-academy-120-students" in out  # its quote lost its speaker
    # records that embed a changed one change with it: the initiative lists the pledge, the
    # source the people it quotes
    assert "modified initiative acme-academy" in out
    assert "modified source acme-news" in out
    assert out[-1] == "1 added, 1 deleted, 5 modified"
    assert table_contents(empty_db.writer_url) == before

    load(empty_db.writer_url, seeds)
    assert main(["--database-url", empty_db.writer_url, "--seeds", str(seeds), "--diff"]) == 0
    assert capsys.readouterr().out.strip() == "no changes"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("500", 500),
        ("30,000", 30_000),
        ("over 1.3 million", 1_300_000),
        ("US$1.5 billion", 1_500_000_000),
        ("RM2bn", 2_000_000_000),
        ("S$100mn", 100_000_000),
        ("10k", 10_000),
        ("eight", 8),
        ("twenty", 20),
        ("two million", 2_000_000),
        ("up to 3,000", 3_000),
        ("one hundred thousand", 100_000),
        ("about 40 per cent", 40),
    ],
)
def test_the_number_an_amount_text_states(text: str, number: float) -> None:
    assert stated_number(text) == number


def test_no_number_is_no_number() -> None:
    assert stated_number("a few") is None
