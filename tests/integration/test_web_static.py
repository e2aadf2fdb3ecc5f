"""The agents' web app served by helpdesk at /app/: SPA fallback, cache headers, encodings,
ETags, HEAD, and no way out of the build directory. Each test builds its own small "dist"."""
from __future__ import annotations

import gzip
import http.client
from pathlib import Path

import pytest

from harness import Server, expect, problem

INDEX = b"<!doctype html><html><head><title>Agents</title></head><body><div id=app></div></body></html>"
SCRIPT = b"export const greeting = 'hello agents';\n" * 400  # large enough to compress
HASHED = "assets/index-D4f_3a9c.js"


def raw(srv: Server, method: str, path: str, headers: dict[str, str] | None = None):
    conn = http.client.HTTPConnection(srv.host, srv.port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.headers, r.read()
    finally:
        conn.close()


@pytest.fixture
def web(tmp_path, make_server):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_bytes(INDEX)
    (dist / HASHED).write_bytes(SCRIPT)
    (dist / "assets" / "style-Bx9_k2Lm.css").write_bytes(b"body{color:#111}\n" * 100)
    (dist / "favicon.svg").write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    (dist / "robots.txt").write_bytes(b"User-agent: *\n")
    # Precompressed by the build: served as it is, not recompressed.
    pre = b"const precompressed = true;\n" * 300
    (dist / "assets" / "pre-AAAAbbbb.js").write_bytes(pre)
    (dist / "assets" / "pre-AAAAbbbb.js.gz").write_bytes(gzip.compress(pre, mtime=0))
    (tmp_path / "secret.txt").write_bytes(b"outside the root")
    srv = make_server(env={"HELPDESK_WEB_ROOT": str(dist)})
    return srv, dist


def test_index_and_app_routes_get_the_app_uncached(web):
    srv, _ = web
    for path in ("/app/", "/app/tickets/12", "/app/views/mine?x=1", "/app/admin/users/"):
        status, headers, body = raw(srv, "GET", path)
        assert status == 200, path
        assert body == INDEX, path
        assert headers["Content-Type"].startswith("text/html"), path
        assert headers["Cache-Control"] == "no-cache", path
        assert "default-src 'self'" in headers["Content-Security-Policy"]


def test_bare_prefix_redirects(web):
    srv, _ = web
    status, headers, _ = raw(srv, "GET", "/app")
    assert status == 308 and headers["Location"] == "/app/"


def test_hashed_assets_are_immutable_with_their_mime_type(web):
    srv, _ = web
    status, headers, body = raw(srv, "GET", "/app/" + HASHED)
    assert status == 200 and body == SCRIPT
    assert headers["Content-Type"].startswith("application/javascript")
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    status, headers, _ = raw(srv, "GET", "/app/assets/style-Bx9_k2Lm.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"]
    status, headers, _ = raw(srv, "GET", "/app/favicon.svg")
    assert status == 200 and headers["Content-Type"] == "image/svg+xml"
    assert headers["Cache-Control"] == "no-cache", "an unhashed file must be revalidated"
    status, headers, _ = raw(srv, "GET", "/app/robots.txt")
    assert headers["Content-Type"].startswith("text/plain")


def test_missing_file_is_404_not_the_app(web):
    srv, _ = web
    status, headers, body = raw(srv, "GET", "/app/assets/index-OLDHASH1.js")
    assert status == 404
    assert headers["Content-Type"] == "application/problem+json"


def test_gzip_and_brotli_by_accept_encoding(web):
    srv, _ = web
    status, headers, body = raw(srv, "GET", "/app/" + HASHED, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers["Vary"]
    assert gzip.decompress(body) == SCRIPT and len(body) < len(SCRIPT) / 5
    status, headers, body = raw(srv, "GET", "/app/" + HASHED, {"Accept-Encoding": "gzip, deflate, br"})
    assert headers["Content-Encoding"] == "br" and 0 < len(body) < len(SCRIPT) / 5
    # br excluded by q=0: gzip; nothing acceptable: identity.
    _, headers, _ = raw(srv, "GET", "/app/" + HASHED, {"Accept-Encoding": "br;q=0, gzip"})
    assert headers["Content-Encoding"] == "gzip"
    _, headers, body = raw(srv, "GET", "/app/" + HASHED, {"Accept-Encoding": "identity"})
    assert headers.get("Content-Encoding") is None and body == SCRIPT
    # A tiny file is not worth compressing.
    _, headers, _ = raw(srv, "GET", "/app/robots.txt", {"Accept-Encoding": "gzip, br"})
    assert headers.get("Content-Encoding") is None


def test_precompressed_file_is_served_as_built(web):
    srv, dist = web
    _, headers, body = raw(srv, "GET", "/app/assets/pre-AAAAbbbb.js", {"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    assert body == (dist / "assets" / "pre-AAAAbbbb.js.gz").read_bytes()
    status, _, _ = raw(srv, "GET", "/app/assets/pre-AAAAbbbb.js.gz")
    assert status == 404, "the .gz sibling is an encoding, not a file of its own"


def test_etag_revalidation_per_encoding(web):
    srv, _ = web
    _, headers, _ = raw(srv, "GET", "/app/" + HASHED)
    plain_tag = headers["ETag"]
    _, headers, _ = raw(srv, "GET", "/app/" + HASHED, {"Accept-Encoding": "gzip"})
    gz_tag = headers["ETag"]
    assert plain_tag.startswith('"') and plain_tag != gz_tag
    status, headers, body = raw(srv, "GET", "/app/" + HASHED, {"If-None-Match": plain_tag})
    assert status == 304 and body == b"" and headers["ETag"] == plain_tag
    status, _, body = raw(srv, "GET", "/app/" + HASHED, {"If-None-Match": '"other"'})
    assert status == 200 and body == SCRIPT
    status, _, _ = raw(srv, "GET", "/app/", {"If-None-Match": raw(srv, "GET", "/app/")[1]["ETag"]})
    assert status == 304


def test_head_has_headers_and_no_body(web):
    srv, _ = web
    status, headers, body = raw(srv, "HEAD", "/app/" + HASHED)
    assert status == 200 and body == b""
    assert int(headers["Content-Length"]) == len(SCRIPT)
    assert headers["Content-Type"].startswith("application/javascript")


def test_other_methods_are_refused(web):
    srv, _ = web
    status, headers, _ = raw(srv, "POST", "/app/")
    assert status == 405 and "GET" in headers["Allow"]


@pytest.mark.parametrize("path", [
    "/app/../secret.txt",
    "/app/%2e%2e/secret.txt",
    "/app/assets/..%2f..%2fsecret.txt",
    "/app/..%2fsecret.txt",
    "/app/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "/app//etc/passwd",
    "/app/assets/../../secret.txt",
])
def test_no_path_leaves_the_root(web, path):
    srv, _ = web
    status, _, body = raw(srv, "GET", path)
    assert b"outside the root" not in body and b"root:" not in body
    assert status in (400, 404), (path, status)


def test_api_and_customer_pages_are_not_the_app(web):
    srv, _ = web
    status, headers, _ = raw(srv, "GET", "/api/v1/nothing-here")
    assert status == 404 and headers["Content-Type"] == "application/problem+json"
    status, headers, body = raw(srv, "GET", "/support")
    assert status == 200 and b"Contact support" in body
    status, _, body = raw(srv, "GET", "/")
    assert status == 200 and b'href="/app/"' in body, "the landing page leads agents to the app"
    status, headers, _ = raw(srv, "GET", "/healthz")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    status, _, _ = raw(srv, "GET", "/tickets/12")
    assert status == 404, "only /app/ falls back to the app"


def test_configured_root_without_a_build_stops_start_up(tmp_path):
    srv = Server(tmp_path / "s", {"HELPDESK_WEB_ROOT": str(tmp_path / "nowhere")})
    srv.migrate()
    with pytest.raises(AssertionError, match="web.root"):
        srv.start(timeout=10)
    srv.kill_quietly()
