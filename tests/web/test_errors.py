"""Friendly error pages with a request id; the traceback only in the log."""

from __future__ import annotations

import logging

import pytest


def test_unknown_page__404_friendly_with_request_id(client):
    response = client.get("/nulle-part")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page introuvable" in page
    assert response.headers["X-Request-Id"] in page


def test_wrong_method__405_friendly(client):
    response = client.delete("/connexion")
    assert response.status_code == 405
    assert "Action non permise" in response.get_data(as_text=True)


@pytest.fixture
def failing_app(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail of the failure")

    return app


def test_server_error__500_page_without_traceback_and_logged_with_request_id(failing_app,
                                                                             caplog):
    handler_records = []

    class Keep(logging.Handler):
        def emit(self, record):
            handler_records.append(self.format(record))

    keep = Keep()
    keep.setFormatter(logging.Formatter("[%(request_id)s] %(message)s"))
    from web.http.errors import RequestIdFilter

    keep.addFilter(RequestIdFilter())
    failing_app.logger.addHandler(keep)
    try:
        response = failing_app.test_client().get("/boom")
    finally:
        failing_app.logger.removeHandler(keep)
    page = response.get_data(as_text=True)
    request_id = response.headers["X-Request-Id"]
    assert response.status_code == 500
    assert "Erreur du système" in page and request_id in page
    assert "secret detail" not in page and "Traceback" not in page
    assert any(f"[{request_id}]" in line and "Exception on /boom" in line
               for line in handler_records)
