"""Files chosen in the preview: their question is answered, their content is not kept.

The preview has no storage (web/preview/__init__.py), and keeping uploads would copy
storage's logic. So a file chosen on ENREGISTRER answers its question with a reference
like the portal's ({id, name, size, sha256}: its name, and its size and SHA-256 read
from the upload as it streams by), the bytes are dropped, and the page says so
(templates/preview/_bar.html). The question's size and count limits (the file type's
`upload_rules`) are checked as the portal does and refused with the question's own
message; its accepted types are not (storage reads the content to decide them).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask import request

from engine.model import Section
from web.forms.uploads import Refusals, file_fields, remove_field
from web.i18n import localize

CHUNK = 64 * 1024  # bytes read at a time from an upload
PREFIX = "apercu-"  # the ids of the preview's placeholder files


def attach_placeholders(section: Section, posted: dict[str, Any], store: bool
                        ) -> dict[str, str]:
    """Replace, in `posted` (one section's answers as engine.formdata reads them), each
    file question's answer by the references the page listed, less those whose
    "Retirer" was pressed, plus (with `store`: ENREGISTRER) one reference per file
    chosen, whose content is read once for its size and hash and not kept. Returns
    field id -> the question's message (current language) for each reason a file was
    refused for (its size or count limit, or empty, as storage refuses them), with the
    files it refused when several were chosen (web/forms/uploads.py `Refusals`)."""
    refused = Refusals()
    for f in file_fields(section):
        kind = f.kind
        rules = kind.upload_rules(f)
        removed = set(request.form.getlist(remove_field(f))) if store else set()
        kept = [r for r in posted.get(f.id) or () if isinstance(r, dict)
                and r.get("id") not in removed]
        for chosen in request.files.getlist(f.id) if store else ():
            if not chosen.filename:
                continue  # the input left empty
            if len(kept) >= rules.max_files:
                refused.add(f.id, localize(kind.upload_message(f, "too_many",
                                                               rules.max_files)),
                            chosen.filename)
                continue
            digest, size = hashlib.sha256(), 0
            while size <= rules.max_bytes and (chunk := chosen.stream.read(CHUNK)):
                digest.update(chunk)
                size += len(chunk)
            if size > rules.max_bytes:
                refused.add(f.id, localize(kind.upload_message(f, "too_large",
                                                               rules.max_bytes)),
                            chosen.filename)
                continue
            if not size:  # as storage refuses it
                refused.add(f.id, localize(kind.upload_message(f, "empty", None)),
                            chosen.filename)
                continue
            kept.append({"id": PREFIX + secrets.token_hex(8), "name": chosen.filename[-255:],
                         "size": size, "sha256": digest.hexdigest()})
        posted[f.id] = kind.answer_with_files(f, kept)
    return refused.messages()
