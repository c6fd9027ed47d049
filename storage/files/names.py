"""A file's name as the applicant gave it, made safe to show and to send back.

The name is only ever shown and used in Content-Disposition: files are stored under
random keys, never under this name.
"""

from __future__ import annotations

import mimetypes
import os
import unicodedata

MAX_NAME = 120  # characters kept of an uploaded file's name, extension included
MAX_EXTENSION = 16
DEFAULT_NAME = "fichier"


def safe_name(filename: str | None, content_type: str | None = None) -> str:
    """The last path part of `filename` (both / and \\ separate), normalised to NFC,
    without control or format characters, quotes, leading dots or surrounding spaces,
    cut to MAX_NAME characters keeping the extension (up to MAX_EXTENSION characters);
    DEFAULT_NAME when nothing is left. "../../etc/passwd" -> "passwd",
    "C:\\\\Users\\\\me\\\\preuve.pdf" -> "preuve.pdf". With `content_type` (the type
    detected from the bytes), a name whose extension is not one of that type's gets
    the type's own added ("photo.html" of an image/png -> "photo.html.png"), so a
    downloaded file never opens as something else; unknown types leave it as it is."""
    name = unicodedata.normalize("NFC", filename or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name
                   if unicodedata.category(c)[0] not in ("C", "Z") or c == " ")
    name = name.replace('"', "").replace(";", "").strip().lstrip(".").strip() or DEFAULT_NAME
    stem, extension = os.path.splitext(name)
    known = mimetypes.guess_all_extensions(content_type or "", strict=False)
    if known and extension.lower() not in known:
        stem, extension = name, known[0]  # the type's usual one first (".jpg")
        name = stem + extension
    if len(extension) > MAX_EXTENSION:
        stem, extension = name, ""
    if len(name) > MAX_NAME:
        name = stem[:MAX_NAME - len(extension)].rstrip() + extension
    return name
