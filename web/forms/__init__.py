"""The dossier form, generated from its definition: sections, recap and the submit wizard."""

from flask import Blueprint

bp = Blueprint("forms", __name__, url_prefix="/dossiers/<number>")

from web.forms import recap, sections, submit  # noqa: E402,F401  (routes register on bp)
