"""Every operation takes the query parameters its OpenAPI description declares, and only those.

One check for every route, derived from the document the clients read: a name the operation
does not declare is a 422 (with the closest name it does declare), and a parameter given more
than once is a 422 unless the document says it repeats (an exploded array: `country=MY&country=SG`).
Single values, and arrays written comma-separated in one value (`sort=-amount,id`), are given
once: last-wins would silently drop what the client sent. Pages that are not operations of
the document (/docs, its OAuth2 redirect, /openapi.json, /problems) are left alone: browsers and
tools add their own parameters to them (cache busters, `code` and `state`).
"""

from collections import Counter
from difflib import get_close_matches
from typing import Any

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute

from app.common.problems import InvalidParameter

Rules = dict[str, bool | None]  # parameter -> repeats (True), once, in one value (None), once (False)


def _rule(parameter: dict[str, Any]) -> bool | None:
    schema = parameter.get("schema", {})
    shapes = [schema, *schema.get("anyOf", [])]
    if not any(s.get("type") == "array" for s in shapes):
        return False
    exploded = parameter.get("explode", parameter.get("style", "form") == "form")
    return True if exploded else None


def _operation_rules(app: FastAPI) -> dict[tuple[str, str], Rules]:
    """For each (path, method) of the document, what its query parameters allow."""
    rules: dict[tuple[str, str], Rules] = getattr(app.state, "query_rules", None) or {}
    if not rules:
        for path, item in app.openapi()["paths"].items():
            for method, operation in item.items():
                parameters = operation.get("parameters", [])
                rule = {p["name"]: _rule(p) for p in parameters if p["in"] == "query"}
                rule |= dict.fromkeys(operation.get("x-also-accepts", []), False)  # single-valued
                rules[path, method.upper()] = rule
        app.state.query_rules = rules
    return rules


def _problems(given: Counter[str], rules: Rules) -> list[tuple[str, str]]:
    problems = []
    for name, times in given.items():
        if name not in rules:
            close = get_close_matches(name, list(rules), n=1)
            if close:
                problems.append((name, f"unknown parameter; did you mean {close[0]}?"))
            elif rules:
                problems.append((name, f"unknown parameter; this endpoint takes {', '.join(rules)}"))
            else:
                problems.append((name, "unknown parameter; this endpoint takes no query parameters"))
        elif times > 1 and rules[name] is not True:
            how = f"give it once, several values comma-separated: {name}=a,b" if rules[name] is None else ""
            problems.append((name, f"is given {times} times; {how or 'it takes one value'}"))
    return problems


async def declared_parameters(request: Request) -> None:
    """422 naming every query parameter the operation does not take, or takes only once."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not route.include_in_schema:
        return
    rules = _operation_rules(request.app).get((route.path_format, request.method))
    given = Counter(name for name, _ in request.query_params.multi_items())
    if rules is None or not given:
        return
    problems = _problems(given, rules)
    if problems:
        raise InvalidParameter.each(problems)
