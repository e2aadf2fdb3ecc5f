"""The router and the OpenAPI document describe the same API, and it is the one API.md documents."""
from __future__ import annotations

import re

import pytest

from harness import DOCUMENTED_ROUTES, HELPDESK_BIN, expect

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
LINE = re.compile(r"^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|TRACE) (/\S*)$")


@pytest.fixture(scope="module")
def routes(server) -> set[tuple[str, str]]:
    r = server.cli("routes")
    assert r.returncode == 0, f"{HELPDESK_BIN} routes: {r.returncode} {r.stderr}"
    lines = [ln.strip() for ln in r.stdout.splitlines() if ln.strip()]
    bad = [ln for ln in lines if not LINE.match(ln)]
    assert not bad, f"lines not shaped 'METHOD /path': {bad}"
    assert len(lines) == len(set(lines)), "a route is printed twice"
    return {tuple(ln.split(" ", 1)) for ln in lines}  # type: ignore[misc]


@pytest.fixture(scope="module")
def openapi(server) -> dict:
    r = server.client().get("/api/v1/openapi.json")
    doc = expect(r, 200)
    assert r.content_type == "application/json"
    assert str(doc.get("openapi", "")).startswith("3.1"), doc.get("openapi")
    return doc


def operations(doc) -> set[tuple[str, str]]:
    return {(m.upper(), path) for path, item in doc["paths"].items()
            for m in item if m in HTTP_METHODS}


def test_every_route_is_in_openapi(routes, openapi):
    missing = sorted(routes - operations(openapi))
    assert not missing, f"routes without an OpenAPI operation: {missing}"


def test_every_openapi_operation_is_routed(routes, openapi):
    extra = sorted(operations(openapi) - routes)
    assert not extra, f"OpenAPI operations the router doesn't serve: {extra}"


def test_every_documented_route_exists(routes):
    missing = sorted({(m, p) for m, p, _ in DOCUMENTED_ROUTES} - routes)
    assert not missing, f"API.md routes the router lacks: {missing}"


def test_operations_are_described(openapi):
    """Each operation states its responses, and each {param} in a path is declared."""
    for path, item in openapi["paths"].items():
        names = set(re.findall(r"\{(\w+)\}", path))
        for m, op in item.items():
            if m not in HTTP_METHODS:
                continue
            assert op.get("responses"), f"{m.upper()} {path} has no responses"
            params = op.get("parameters", []) + item.get("parameters", [])
            declared = {p.get("name") for p in params if p.get("in") == "path"}
            # A $ref'd parameter can't be resolved cheaply here; only insist when inline.
            if all("$ref" not in p for p in params):
                assert names <= declared, f"{m.upper()} {path}: path params {names - declared} undeclared"

