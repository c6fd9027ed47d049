"""The dossier form, generated from its definition: sections, recap and the submit wizard.

One blueprint, `forms`, under /dossiers/<number>/, because every page of it is about
one dossier and shares its loading, header and navigation (`page`). Its views live in
`sections`, `recap` and `submit`, imported below so their routes register on `bp`;
`saving` is the one save path, `page_cache` keeps rendered section pages, `uploads`
the files of file questions (kept, removed, downloaded).
"""

from flask import Blueprint

bp = Blueprint("forms", __name__, url_prefix="/dossiers/<number>")

from web.forms import recap, sections, submit, uploads  # noqa: E402,F401  (routes register on bp)
