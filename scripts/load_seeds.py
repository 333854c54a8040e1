"""Validate the curated seeds and make the database match them.

python scripts/load_seeds.py [--database-url URL] [--seeds DIR] [--articles DIR] [--check] [--diff]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy.exc import SQLAlchemyError  # noqa: E402

from app.config import get_settings  # noqa: E402
from app.seeding.diff import describe  # noqa: E402
from app.seeding.load import PROJECT_ROOT, load, preview, summary  # noqa: E402
from app.seeding.seedset import SeedValidationError  # noqa: E402
from app.seeding.validate import load_seed_dir  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        help="database to write (default: LOADER_DATABASE_URL, else DATABASE_URL, else SQLite)",
    )
    parser.add_argument("--seeds", type=Path, default=PROJECT_ROOT / "seeds")
    parser.add_argument(
        "--articles", type=Path, help="folder of the articles: check every quote occurs in its own"
    )
    parser.add_argument("--check", action="store_true", help="validate only; write nothing")
    parser.add_argument(
        "--diff", action="store_true", help="print what a load would change, field by field; write nothing"
    )
    args = parser.parse_args(argv)

    try:
        if args.check:
            seeds = load_seed_dir(args.seeds, articles=args.articles)
            print(
                f"seeds are valid: {len(seeds.sources)} sources, {len(seeds.organizations)}"
                f" organizations, {len(seeds.people)} people, {len(seeds.initiatives)} initiatives,"
                f" {len(seeds.mous)} mous, {len(seeds.pledges)} pledges, {len(seeds.figures)} figures"
            )
            return 0
        url = args.database_url or get_settings().writer_url
        if args.diff:
            print(describe(preview(url, args.seeds, articles=args.articles)))
            return 0
        counts = load(url, args.seeds, articles=args.articles)
    except SeedValidationError as exc:
        for error in exc.errors:
            print(f"error: {error}", file=sys.stderr)
        print(f"{len(exc.errors)} error(s); the database was not changed", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None)  # the driver's error, on the subclasses that wrap one
        reason = str(orig if orig else exc).splitlines()[0]
        print(f"error: database: {reason}; the database was not changed", file=sys.stderr)
        return 1
    print(summary(counts))
    changed = any(c.changed for c in counts.values())
    print("dataset version bumped" if changed else "no changes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
