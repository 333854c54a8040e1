"""The search syntax: parsed once, then written as an FTS5 MATCH string or a PostgreSQL tsquery.

    huawei malaysia        both words (a word matches its plural and singular: by stem)
    ai OR cloud            either side; OR (upper case) separates alternatives, each ANDed
    huawei -malaysia       a leading `-` excludes a word, a prefix or a phrase
    "data zone"            a phrase: these words next to each other, in this order
    cloud*                 words beginning with `cloud` (as written, or by stem)

A word joined by punctuation (`e-commerce`, `U.S.`) is a phrase of its parts. What the syntax
cannot say is a 422 that says why: an unclosed quote, `*` anywhere but at the end of a single
word, a `-` apart from its word, OR without words on both sides, AND or NOT in capitals (other
syntaxes' operators), and an alternative made only of exclusions (`-huawei`: add a word).
"""

import re
from dataclasses import dataclass

from app.common.problems import InvalidParameter
from app.search_text import stem, tokens

MAX_WORDS = 16
_RUNS = re.compile(r"[^\W_]+")  # words as the OpenAPI pattern of `q` counts them
_CHUNK = re.compile(r'(?<!\S)(-?)"([^"]*)"(\*?)(?!\S)|(\S+)')
_STEM_COLUMNS = "{name_stems body_stems}"
# Operators of other syntaxes, refused rather than searched for as words (lower case they are).
_NOT_OPERATORS = {
    "AND": "words are ANDed already: leave out AND (a lower-case `and` is a word)",
    "NOT": "exclude with a leading `-`, as in `huawei -malaysia` (a lower-case `not` is a word)",
}
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"'})  # typographic quotes too


@dataclass(frozen=True)
class Term:
    """A word or a phrase (stems), or a prefix (the letters as typed, one word)."""

    words: tuple[str, ...]
    prefix: bool = False

    def fts5(self) -> str:
        if self.prefix:
            return f'"{self.words[0]}"*'  # every column: the words as written and their stems
        return f'{_STEM_COLUMNS} : "{" ".join(self.words)}"'

    def tsquery(self) -> str:
        if self.prefix:
            return f"'{self.words[0]}':*"
        return " <-> ".join(f"'{w}':AB" for w in self.words)


@dataclass(frozen=True)
class Group:
    """Terms that must all match, and terms that must not."""

    include: tuple[Term, ...]
    exclude: tuple[Term, ...]

    def fts5(self) -> str:
        found = " AND ".join(t.fts5() for t in self.include)
        if not self.exclude:
            return f"({found})"
        return f"(({found}) NOT ({' OR '.join(t.fts5() for t in self.exclude)}))"

    def tsquery(self) -> str:
        parts = [f"({t.tsquery()})" for t in self.include] + [f"!({t.tsquery()})" for t in self.exclude]
        return f"({' & '.join(parts)})"


@dataclass(frozen=True)
class Query:
    """Alternatives (OR), each a Group."""

    groups: tuple[Group, ...]

    def fts5(self) -> str:
        return " OR ".join(g.fts5() for g in self.groups)

    def tsquery(self) -> str:
        return " | ".join(g.tsquery() for g in self.groups)

    def highlights(self, token: str) -> bool:
        """Whether a token of a document is one the query looks for (exclusions are not)."""
        base = stem(token)
        for group in self.groups:
            for term in group.include:
                if term.prefix:
                    if token.startswith(term.words[0]) or base.startswith(term.words[0]):
                        return True
                elif base in term.words:
                    return True
        return False


def _term(text: str, *, star: bool, parameter: str, phrase: bool) -> Term | None:
    words = tokens(text)
    if "*" in text or (star and (phrase or len(words) != 1)):
        raise InvalidParameter(parameter, "`*` can only end a single word, as in `cloud*`")
    if not words:
        return None
    if star:
        return Term((words[0],), prefix=True)
    return Term(tuple(stem(w) for w in words))


def parse_query(q: str, parameter: str = "q") -> Query:
    """The query as alternatives of terms; a 422 for what the syntax cannot say."""
    if len(_RUNS.findall(q)) > MAX_WORDS or len(tokens(q)) > MAX_WORDS:
        raise InvalidParameter(parameter, f"has more than {MAX_WORDS} words")
    alternatives: list[list[tuple[bool, Term]]] = [[]]
    for match in _CHUNK.finditer(q.translate(_QUOTES)):
        dash, inner, star, bare = match.groups()
        if bare == "OR":
            alternatives.append([])
            continue
        if bare in _NOT_OPERATORS:
            raise InvalidParameter(parameter, _NOT_OPERATORS[bare])
        if bare is not None:
            if '"' in bare:
                raise InvalidParameter(
                    parameter,
                    'has a quote that does not close a phrase: quote whole words, as in "data zone"',
                )
            dash, inner = ("-", bare[1:]) if bare.startswith("-") else ("", bare)
            star = "*" if inner.endswith("*") else ""
            inner = inner.removesuffix("*")
            if dash and not tokens(inner):
                raise InvalidParameter(parameter, "`-` excludes the word right after it, as in `-malaysia`")
        term = _term(inner, star=bool(star), parameter=parameter, phrase=bare is None)
        if term is not None:
            alternatives[-1].append((bool(dash), term))
    if len(alternatives) > 1 and not all(alternatives):
        raise InvalidParameter(parameter, "OR needs words on both sides, as in `ai OR cloud`")
    groups = []
    for terms in alternatives:
        include = tuple(t for excluded, t in terms if not excluded)
        exclude = tuple(t for excluded, t in terms if excluded)
        if not include:
            if not exclude:
                raise InvalidParameter(parameter, "has no words to search for")
            raise InvalidParameter(
                parameter, "only excludes words: add a word to search for, as in `huawei -malaysia`"
            )
        groups.append(Group(include, exclude))
    return Query(tuple(groups))
