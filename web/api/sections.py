"""Sections of a dossier through the API: GET, PUT with If-Match, validate; the recap (H-sections).

To be written: see /work/wt/PLAN18.md. PATHS and SCHEMAS are this module's part of the
OpenAPI document (web/api/__init__.py).
"""

from __future__ import annotations

from typing import Any

from web.api.blueprint import bp  # noqa: F401  (the routes go on it)

PATHS: dict[str, Any] = {}
SCHEMAS: dict[str, Any] = {}
