"""Every quote, attribution and dateline must occur in its article; a slip is shown beside the
closest passage of the article, so that the curator sees what to fix."""

from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from app.seeding.schema import CitationItem, SourcedCitation
from app.seeding.seedset import SeedError, SeedSet, citation_error, record_error


def _collapse(text: str) -> str:
    return " ".join(text.split())


def closest_passage(text: str, quote: str) -> str:
    """The stretch of `text` (as long as the quote) most like it, by difflib's ratio."""
    size = len(quote)
    if size >= len(text):
        return text
    matcher = SequenceMatcher(autojunk=False)
    matcher.set_seq2(quote)
    best, best_start = -1.0, 0
    step = max(1, size // 8)
    for start in range(0, len(text) - size + step, step):
        matcher.set_seq1(text[start : start + size])
        if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
            ratio = matcher.ratio()
            if ratio > best:
                best, best_start = ratio, start
    for start in range(max(0, best_start - step), min(len(text) - size, best_start + step) + 1):
        matcher.set_seq1(text[start : start + size])
        ratio = matcher.ratio()
        if ratio > best:
            best, best_start = ratio, start
    return text[best_start : best_start + size].strip()


def _miss(what: str, quote: str, text: str) -> str:
    return (
        f"{what} not found in the article: {quote[:120]!r}; the closest passage is"
        f" {closest_passage(text, quote)[:160]!r}"
    )


def check_quotes(s: SeedSet, articles: Path) -> list[SeedError]:
    """Every quote, attribution and dateline occurs in its source's article (whitespace collapsed)."""
    errors: list[SeedError] = []
    texts: dict[str, str | None] = {}
    for src in s.sources:
        path = articles / src.document
        if path.is_file():
            texts[src.id] = _collapse(path.read_text(encoding="utf-8"))
        else:
            texts[src.id] = None
            message = f"article {src.document!r} not found in {articles}"
            errors.append(record_error(s, "sources", src.id, "document", message))

    def find(source_id: str, what: str, quote: str) -> str | None:
        """None when found (or the article is missing, already reported); else the message."""
        text = texts.get(source_id)
        if text is None or _collapse(quote) in text:
            return None
        return _miss(what, _collapse(quote), text)

    def citation_misses(file_source: str, cit: CitationItem) -> list[tuple[str, str]]:
        source_id = cit.source if isinstance(cit, SourcedCitation) else file_source
        misses = [("quote", find(source_id, "quote", cit.quote))]
        if cit.attribution is not None:
            misses.append(("attribution", find(source_id, "attribution", cit.attribution)))
        return [(name, message) for name, message in misses if message]

    for src in s.sources:
        if src.dateline is not None:
            missed = find(src.id, "dateline", src.dateline.text)
            if missed:
                errors.append(record_error(s, "sources", src.id, "dateline.text", missed))
    owned: list[tuple[str, str, Any]] = [("organizations", "", org) for org in s.organizations]
    owned += [("people", "", person) for person in s.people]
    for kind in ("initiatives", "mous", "pledges", "figures"):
        owned += [(kind, source_id, record) for source_id, record in getattr(s, kind)]
    for kind, source_id, record in owned:
        for i, cit in enumerate(record.citations):
            for name, message in citation_misses(source_id, cit):
                errors.append(record_error(s, kind, record.id, f"citations[{i}].{name}", message))
    for source_id, pos, cit in s.citations:
        for name, message in citation_misses(source_id, cit):
            errors.append(citation_error(s, source_id, pos, name, message))
    return errors
