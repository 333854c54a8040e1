"""One tokenizer for both engines, so that a query means the same on SQLite and PostgreSQL.

SQLite's FTS5 `unicode61 remove_diacritics 2` tokenizer splits on everything that is not a
letter or digit, folds case and strips diacritics. PostgreSQL is given text already split
the same way (see `normalize`), so its `simple` configuration sees the same tokens.
"""

import re
import unicodedata

_TOKEN = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    """Lower-cased, accent-free words of `text`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _TOKEN.findall(plain)


def normalize(text: str) -> str:
    """The text as space-separated tokens, for PostgreSQL's to_tsvector('simple', ...)."""
    return " ".join(tokens(text))
