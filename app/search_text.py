"""One analyzer for both engines, so that a query means the same on SQLite and PostgreSQL.

Words are split as SQLite's FTS5 `unicode61 remove_diacritics 2` tokenizer splits them (on
everything that is not a letter or digit, case folded, diacritics stripped), then stemmed with
the Porter stemmer (`GPUs` and `GPU` are both `gpu`). Both engines index text made here:
SQLite's FTS5 reads the stems from `search_documents.name_stems` / `body_stems` and tokenizes
`name` / `body` itself for prefixes; PostgreSQL's `tsv` is built whole by `tsvector`.
"""

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import Stemmer

_TOKEN = re.compile(r"[^\W_]+")
_STEMMER = Stemmer.Stemmer("porter")
# PostgreSQL keeps positions up to 16383 and refuses lexemes of 2 KB or more.
_MAX_POSITION = 16383
_MAX_LEXEME = 2046


def tokens(text: str) -> list[str]:
    """Lower-cased, accent-free words of `text`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _TOKEN.findall(plain)


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """The stem of one token (as `tokens` gives it); never empty (Porter makes `s` empty)."""
    return str(_STEMMER.stemWord(token)) or token


def stems(text: str) -> str:
    """The stems of `text`'s words, space-separated: what the index matches words against."""
    return " ".join(stem(t) for t in tokens(text))


def word_spans(text: str) -> Iterator[tuple[int, int, list[str]]]:
    """(start, end, tokens) of each run of letters and digits in `text`, for highlighting."""
    for match in _TOKEN.finditer(text):
        yield match.start(), match.end(), tokens(match.group())


def tsvector(name: str, body: str) -> str:
    """PostgreSQL's `tsv` of a document, as tsvector input text.

    Stems are weighted A (name) and B (body); a word whose stem differs from it is also there,
    at the same position, weighted C or D, so that a prefix (`comput*`) matches words as
    written too, as on SQLite, while a word query (`:AB`) matches stems only. Name and body
    are a position apart, so a phrase cannot run from one into the other.
    """
    positions: dict[str, list[str]] = {}
    start = 1
    for text, stem_weight, word_weight in ((name, "A", "C"), (body, "B", "D")):
        words = tokens(text)
        for i, token in enumerate(words):
            at = str(min(start + i, _MAX_POSITION))
            base = stem(token)
            positions.setdefault(base, []).append(at + stem_weight)
            if token != base:
                positions.setdefault(token, []).append(at + word_weight)
        start += len(words) + 1
    return " ".join(
        f"'{lexeme}':{','.join(at)}"
        for lexeme, at in positions.items()
        if len(lexeme.encode()) <= _MAX_LEXEME
    )
