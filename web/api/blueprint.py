"""The JSON API's blueprint, alone in its module so every resource module can add its
routes to it without importing the package that lists them (web/api/__init__.py)."""

from __future__ import annotations

from flask import Blueprint

PREFIX = "/api/v1"

bp = Blueprint("api", __name__, url_prefix=PREFIX)
