"""Exports of submitted dossiers (CSV, XLSX, JSON), streamed in constant memory and
audited: `export_dossiers` (storage/exports/export.py); the columns are described in
storage/exports/columns.py and docs/exports.md."""

from storage.exports.columns import DOSSIER_COLUMNS, MASKED, header
from storage.exports.export import export_dossiers
from storage.exports.writers import CONTENT_TYPES, FORMATS

__all__ = ["CONTENT_TYPES", "DOSSIER_COLUMNS", "FORMATS", "MASKED", "export_dossiers",
           "header"]
