"""Every quote must occur in its article; a slip is shown beside the closest passage."""

from pathlib import Path

from app.seeding.seedset import SeedError, SeedSet, citation_error, record_error


def _collapse(text: str) -> str:
    return " ".join(text.split())


def check_quotes(s: SeedSet, articles: Path) -> list[SeedError]:
    """Every quote must occur in the article its file's source names (whitespace collapsed)."""
    errors: list[SeedError] = []
    texts: dict[str, str | None] = {}
    for src in s.sources:
        path = articles / src.document
        if path.is_file():
            texts[src.id] = _collapse(path.read_text(encoding="utf-8"))
        else:
            texts[src.id] = None
            errors.append(
                record_error(
                    s,
                    "sources",
                    src.id,
                    "document",
                    f"article {src.document!r} not found in {articles}",
                )
            )

    def check(kind: str, ident: str, field_name: str, source_id: str, quote: str) -> None:
        text = texts.get(source_id)
        if text is not None and _collapse(quote) not in text:
            errors.append(
                record_error(s, kind, ident, field_name, f"quote not found in the article: {quote[:80]!r}")
            )

    for kind in ("initiatives", "mous", "pledges"):
        for source_id, record in getattr(s, kind):
            for i, quote in enumerate(record.quotes):
                check(kind, record.id, f"quotes[{i}]", source_id, quote)
    for source_id, pos, cit in s.citations:
        text = texts.get(source_id)
        if text is not None and _collapse(cit.quote) not in text:
            message = f"quote not found in the article: {cit.quote[:80]!r}"
            errors.append(citation_error(s, source_id, pos, "quote", message))
    return errors
