"""Only configured host names are served (web/http/hosts.py, TRUSTED_HOSTS in web/config.py):
a forged Host header is refused with 400 before any page or redirect is built from it,
whether it comes directly or, behind a trusted proxy, as X-Forwarded-Host."""

from __future__ import annotations

import os

import pytest

from web import create_app


def make_app(instance_dir, registry, **config):
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                       "INSTANCE_PATH": instance_dir, "REGISTRY": registry,
                       "DATABASE_URL": os.environ.get("DATABASE_URL") or None, **config})


@pytest.mark.parametrize("url", ["/dossiers", "/dossiers/", "/connexion", "/",
                                 "/static/css/guichet.css", "/nulle-part"])
def test_forged_host__any_address__400_never_reflected(client, url):
    response = client.get(url, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "evil.example" not in str(response.headers)  # no redirect to it
    page = response.get_data(as_text=True)
    assert "Adresse inconnue" in page and response.headers["X-Request-Id"] in page
    assert "evil.example" not in page


def test_forged_host__logged_in_post__400_nothing_done(maria):
    response = maria.post("/deconnexion", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert maria.get("/dossiers/").status_code == 200  # still logged in


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:8000", "localhost:5000"])
def test_local_hosts_and_the_portals__default__served(client, host):
    assert client.get("/connexion", headers={"Host": host}).status_code == 200


def test_portal_url_host__trusted_with_the_configured_ones(app, instance_dir, registry):
    portal = make_app(instance_dir, registry, PORTAL_URL="https://portail.example",
                      TRUSTED_HOSTS=["guichet.example"]).test_client()
    for host in ("portail.example", "guichet.example:8443"):
        assert portal.get("/connexion", headers={"Host": host}).status_code == 200
    for host in ("localhost", "evil.example", "portail.example.evil.example"):
        assert portal.get("/connexion", headers={"Host": host}).status_code == 400


def test_behind_proxy__forwarded_host_checked_too(app, instance_dir, registry):
    proxied = make_app(instance_dir, registry, PROXY_FIX=1,
                       PORTAL_URL="https://portail.example").test_client()
    sent = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    moved = proxied.get("/dossiers", headers={**sent, "X-Forwarded-Host": "portail.example"})
    assert moved.status_code == 308
    assert moved.location in ("https://portail.example/dossiers/", "/dossiers/")
    forged = proxied.get("/dossiers", headers={**sent, "X-Forwarded-Host": "evil.example"})
    assert forged.status_code == 400 and "evil.example" not in str(forged.headers)
