"""Binding query parameters on a remote SPARQL endpoint where the embedded store binds them: in every group.

The embedded store binds a parameter by pyoxigraph's substitution (SEP-0007), which replaces the variable
wherever it means the outer one: in UNION branches, OPTIONAL, MINUS and EXISTS groups, and in each subquery that
projects it. A remote endpoint gets the values as a VALUES block (``rdf_codec.bind_values``) at the start of the
query's WHERE group, which joins them with that group only after its parts were evaluated, each on its own: a
FILTER on the parameter in a UNION branch sees it unbound (canned ``names`` found nothing), a subquery runs over
every match in the store and cuts at its LIMIT before the value reaches it (``documents`` listed every level;
task-chain walked from every task). ``bind_nested`` gives each of those groups the same VALUES block (of the
parameters the group mentions), so both stores give the same rows and the server starts from the bound value.
"""
from __future__ import annotations

import re
from typing import Any

from policykg.graph.stores.rdf_codec import bind_values, sparql_term, to_term

# Tokens of a query text: IRIs, strings, comments and prefixed names (skipped whole, so no brace, variable or
# keyword inside them counts, and ``ex:select`` is no keyword), variables, words, brackets.
_TOKEN = re.compile(r'''(?P<skip><[^<>"{}|^`\\\x00-\x20]*>|"""(?:[^"\\]|\\.|"(?!""))*"""'''
                    r'''|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*'|\#[^\n]*'''
                    r"|[A-Za-z_][\w.-]*:[\w.-]*|:[\w.-]*)"
                    r"|[?$](?P<var>\w+)|(?P<word>[A-Za-z_]\w*)|(?P<sym>[{}()*])", re.S)


def bind_everywhere(query: str, params: dict[str, Any]) -> str:
    """``query`` with the values as VALUES blocks at the start of its WHERE group and of every group nested in
    it that mentions them: where the embedded store's substitution binds them."""
    return bind_values(bind_nested(query, params), params)


def bind_nested(query: str, params: dict[str, Any]) -> str:
    """``query`` with ``VALUES (?k ...) { (term ...) }`` first in every group nested in its WHERE group that
    mentions a parameter, for the parameters it mentions; the WHERE group itself is left to ``bind_values``.

    A subquery's groups get only the parameters it projects (by name, or ``SELECT *``): any other variable of the
    same name in it is its own (a name only such a subquery uses may still be bound in the group around it: a join
    on the outer value, which changes no row). A VALUES data block is no group. Values are escaped RDF terms (``sparql_term``);
    a name that is no SPARQL variable name never matches a variable, so it is never written."""
    if not params:
        return query
    toks = [(t.start(), t["var"], (t["word"] or "").upper(), t["sym"]) for t in _TOKEN.finditer(query)
            if not t["skip"]]
    match: dict[int, int] = {}                     # token index of each '{' -> index of its '}'
    stack: list[int] = []
    for i, (_, _, _, sym) in enumerate(toks):
        if sym == "{":
            stack.append(i)
        elif sym == "}" and stack:
            match[stack.pop()] = i
    inserts: list[tuple[int, list[str]]] = []

    def mentioned(start: int, end: int, names: list[str]) -> list[str]:
        used = {toks[i][1] for i in range(start, end) if toks[i][1]}
        return [n for n in names if n in used]

    def projection(i: int, names: list[str]) -> tuple[int, list[str]]:
        """From a SELECT at token i: the index of its WHERE group's '{' and the parameters it projects."""
        projected, star, paren = set(), False, 0
        i += 1
        while i < len(toks):
            _, var, _, sym = toks[i]
            if sym == "{" and paren == 0:
                return i, [n for n in names if star or n in projected]
            if sym == "{":                         # EXISTS { ... } in a projected expression
                i = match.get(i, len(toks))
            elif sym in ("(", ")"):
                paren += 1 if sym == "(" else -1
            elif paren == 0 and var:
                projected.add(var)
            elif paren == 0 and sym == "*":
                star = True
            i += 1
        return i, []

    def group(open_: int, names: list[str], insert: bool) -> None:
        close = match.get(open_, len(toks))
        names = mentioned(open_ + 1, close, names)
        if not names:
            return
        if insert and toks[open_ + 1][2] != "SELECT":     # { SELECT ... } is a subquery, not a group with one
            inserts.append((toks[open_][0], names))
        i = open_ + 1
        while i < close:
            _, _, word, sym = toks[i]
            if word == "VALUES":                   # its data block is no group
                while i < close and toks[i][3] != "{":
                    i += 1
                i = match.get(i, close)
            elif word == "SELECT":
                i, inner = projection(i, names)
                if i < close:
                    group(i, inner, True)
                    i = match.get(i, close)
            elif sym == "{":
                group(i, names, True)
                i = match.get(i, close)
            i += 1

    # the query itself: its WHERE group is the first group at the top, after WHERE for a CONSTRUCT (whose
    # template comes first) and after the projection for a SELECT
    form = next((w for _, _, w, _ in toks if w in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")), None)
    i, after_where = 0, False
    while i < len(toks):
        _, _, word, sym = toks[i]
        if word == "WHERE":
            after_where = True
        elif word == "SELECT":
            i, _ = projection(i, [])
            group(i, list(params), False)
            break
        elif sym == "{":
            if form == "CONSTRUCT" and not after_where:
                i = match.get(i, len(toks))
            else:
                group(i, list(params), False)
                break
        i += 1
    for pos, names in reversed(inserts):
        block = ("VALUES (" + " ".join(f"?{k}" for k in names) + ") { ("
                 + " ".join(sparql_term(to_term(params[k])) for k in names) + ") } ")
        query = query[:pos + 1] + " " + block + query[pos + 1:]
    return query


__all__ = ["bind_nested"]
