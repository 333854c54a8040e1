"""Snippets: a window of a document's text, HTML-escaped, with <mark> around the words found.

Made in Python from the stored text, the same on both engines: the index holds stems, and
neither FTS5's snippet() nor ts_headline() escapes the text it marks up.
"""

import html
import re
import unicodedata
from collections import Counter

from app.search.query import Query
from app.search_text import stem, word_spans

WORDS = 16
_SPACES = re.compile(r"\s+")


def _window(found: list[str | None], size: int) -> int:
    """Start of the `size` words with the most different words found, then the most found."""
    if len(found) <= size:
        return 0
    seen: Counter[str] = Counter(f for f in found[:size] if f)
    best, best_score = 0, (len(seen), seen.total())
    for start in range(1, len(found) - size + 1):
        if leaving := found[start - 1]:
            seen[leaving] -= 1
            if not seen[leaving]:
                del seen[leaving]
        if entering := found[start + size - 1]:
            seen[entering] += 1
        if (score := (len(seen), seen.total())) > best_score:
            best, best_score = start, score
    return best


def snippet(body: str, query: Query, *, size: int = WORDS) -> str:
    """`size` words of `body` around what `query` finds, as HTML."""
    text = unicodedata.normalize("NFC", body)
    spans = list(word_spans(text))
    if not spans:
        return html.escape(_SPACES.sub(" ", text).strip(), quote=False)
    found = [next((stem(t) for t in toks if query.highlights(t)), None) for _, _, toks in spans]
    start = _window(found, size)
    end = min(start + size, len(spans))
    pos = spans[start][0] if start else 0
    out = ["…"] if start else []
    for (begin, finish, _), hit in zip(spans[start:end], found[start:end], strict=True):
        out.append(html.escape(text[pos:begin], quote=False))
        word = html.escape(text[begin:finish], quote=False)
        out.append(f"<mark>{word}</mark>" if hit else word)
        pos = finish
    if end < len(spans):
        out.append("…")
    else:
        out.append(html.escape(text[pos:], quote=False))
    return _SPACES.sub(" ", "".join(out)).strip()
