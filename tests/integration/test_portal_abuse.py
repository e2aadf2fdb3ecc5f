"""The public forms can't be used against a customer (issue 10): the contact form doesn't
rename a customer we know, and neither form floods one inbox from many client addresses."""
from __future__ import annotations

import http.client
import urllib.parse

from harness import expect, list_all
from test_portal import _login, contact_ticket_id, html, new_address, private, sink  # noqa: F401


def post_form_from(srv, source_ip: str, path: str, fields: dict[str, str]):
    """Posts a form from another loopback address (all of 127.0.0.0/8 reaches the server)."""
    conn = http.client.HTTPConnection(srv.host, srv.port, timeout=15,
                                      source_address=(source_ip, 0))
    try:
        conn.request("POST", path, body=urllib.parse.urlencode(fields).encode(), headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"})
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace"), r.getheader("Retry-After")
    finally:
        conn.close()


def contact_fields(email: str, name: str = "Cus Tomer") -> dict[str, str]:
    return {"name": name, "email": email, "subject": "Help", "message": "Please help.",
            "website": ""}


def test_contact_form_keeps_a_known_customers_name(private):
    srv = private()
    admin = _login(srv, "admin")
    email = new_address("known")
    known = expect(admin.post("/api/v1/customers", {"email": email, "name": "Real Name"}), 201)
    status, page, _ = post_form_from(srv, "127.0.0.1", "/support",
                                     contact_fields(email.upper(), name="Mallory Evil"))
    assert status == 201, page
    after = expect(admin.get(f"/api/v1/customers/{known['id']}"), 200)
    assert after["name"] == "Real Name"
    assert len(after["tickets"]) == 1  # the request itself is taken, under the customer we know


def test_contact_form_names_a_new_customer(private):
    srv = private()
    admin = _login(srv, "admin")
    email = new_address("new")
    status, page, _ = post_form_from(srv, "127.0.0.1", "/support",
                                     contact_fields(email, name="Nora New"))
    assert status == 201, page
    customers = expect(admin.get("/api/v1/customers", params={"q": email}), 200)["items"]
    assert [c["name"] for c in customers] == ["Nora New"]


def test_contact_form_is_limited_per_email_address_across_client_addresses(private):
    srv = private()
    admin = _login(srv, "admin")
    victim = new_address("victim")
    for i in range(5):
        status, page, _ = post_form_from(srv, f"127.0.0.{10 + i}", "/support",
                                         contact_fields(victim))
        assert status == 201, page
    spellings = [victim, victim.upper(), f"  {victim} "]
    for i, spelling in enumerate(spellings):
        status, page, retry = post_form_from(srv, f"127.0.0.{20 + i}", "/support",
                                             contact_fields(spelling))
        assert status == 429, page
        assert retry and int(retry) > 0
    assert len(list_all(admin)) == 5
    # Another inbox from one of those client addresses is still served.
    status, page, _ = post_form_from(srv, "127.0.0.30", "/support",
                                     contact_fields(new_address("other")))
    assert status == 201, page


def test_link_form_is_limited_per_email_address_across_client_addresses(private):
    srv = private()
    admin = _login(srv, "admin")
    email = new_address("linked")
    expect(admin.post("/api/v1/customers", {"email": email, "name": "L"}), 201)
    for i in range(5):
        status, page, _ = post_form_from(srv, f"127.0.0.{40 + i}", "/my/link", {"email": email})
        assert status == 200, page
    status, page, _ = post_form_from(srv, "127.0.0.50", "/my/link", {"email": email.upper()})
    assert status == 429, page
