"""The `file` type: documents the applicant attaches (issue 15).

Designer options: `accept` (MIME types, "image/*" for a family; the bytes decide, never
the name: storage reads the type from the content), `max_size_mb` (per file, 1 MB =
1,000,000 bytes, default 10) and `max_files` (default 1); without `accept`, PDF, JPEG and PNG.

The answer is a list of file references, each {"id", "name", "size", "sha256"} as
storage keeps the file (`storage.UploadInfo`): the recap and the PDF show name, size and
hash from the answer alone, and a submitted dossier's snapshot holds them too. The web
layer never trusts a posted reference: it keeps only those naming a file of the same
dossier and question, with storage's own name, size and hash (`answer_with_files`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from babel.lists import format_list
from babel.units import format_unit

from ..errors import DesignerError, ErrorCode, error
from ..model import Definition, Field, Text
from . import FieldType, GetList, UploadRules, register

DEFAULT_MAX_SIZE_MB = 10
DEFAULT_MAX_FILES = 1
DEFAULT_ACCEPT = ("application/pdf", "image/jpeg", "image/png")
MEGABYTE = 1_000_000
MIME = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/(\*|[a-z0-9][a-z0-9!#$&^_.+-]{0,126})")
FILE_ID = r"^[A-Za-z0-9_-]{1,64}$"
REF_KEYS = ("id", "name", "size", "sha256")
LOCALES = {"fr": "fr_CA", "en": "en_CA"}

# MIME type -> what applicants call it (a type not listed: its subtype in capitals)
HUMAN_TYPES: dict[str, Text] = {
    "application/pdf": Text("PDF", "PDF"),
    "image/jpeg": Text("JPEG", "JPEG"),
    "image/png": Text("PNG", "PNG"),
    "image/gif": Text("GIF", "GIF"),
    "image/webp": Text("WebP", "WebP"),
    "image/heic": Text("HEIC", "HEIC"),
    "image/tiff": Text("TIFF", "TIFF"),
    "image/*": Text("image", "image"),
    "text/plain": Text("texte", "text"),
    "application/msword": Text("Word", "Word"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
        Text("Word (DOCX)", "Word (DOCX)"),
    "application/vnd.oasis.opendocument.text": Text("OpenDocument", "OpenDocument"),
}

# storage's refusal code -> the message key a designer may set in `messages:`
REFUSAL_MESSAGE = {"type": "accept", "too_large": "max_size", "too_many": "max_files",
                   "frozen": "not_editable"}

MESSAGES: dict[str, Text] = {
    "accept": Text("Ce type de fichier n'est pas accepté : joignez un fichier {types}.",
                   "This type of file is not accepted: attach a {types} file."),
    "max_size": Text("Ce fichier dépasse {max_size} : joignez un fichier plus petit.",
                     "This file is larger than {max_size}: attach a smaller one."),
    "max_files": Text("Joignez au plus {max_files} fichiers : retirez-en un avant d'en "
                      "joindre un autre.", "Attach at most {max_files} files: remove one "
                      "before attaching another."),
    "one_file": Text("Un seul fichier peut être joint : retirez celui qui l'est avant d'en "
                     "joindre un autre.", "Only one file may be attached: remove it before "
                     "attaching another."),
    "dossier_full": Text("Les fichiers de ce dossier ne peuvent pas dépasser {max_size} en "
                         "tout : retirez-en un avant d'en joindre un autre.",
                         "The files of this application cannot exceed {max_size} in all: "
                         "remove one before attaching another."),
    "empty": Text("Ce fichier est vide.", "This file is empty."),
    "infected": Text("Ce fichier a été refusé : il contient un virus.",
                     "This file was refused: it contains a virus."),
    "scan_unavailable": Text("Ce fichier n'a pas pu être vérifié pour le moment : "
                             "réessayez dans quelques minutes.", "This file could not be "
                             "checked just now: try again in a few minutes."),
    "not_editable": Text("Ce dossier ne peut plus être modifié.",
                         "This application can no longer be changed."),
    "max_items": Text("Vous avez joint trop de fichiers : retirez-en.",
                      "You attached too many files: remove some."),
    "option": Text("Un fichier joint n'est plus disponible : joignez-le de nouveau.",
                   "An attached file is no longer available: attach it again."),
    "type": Text("Un fichier joint n'est plus disponible : joignez-le de nouveau.",
                 "An attached file is no longer available: attach it again."),
}


def file_size(size: int, lang: str) -> str:
    """`size` bytes as people read it, by Babel: "1,2 Mo" / "1.2 MB", "350 ko" / "350 kB",
    "12 o" / "12 bytes" (1 MB = 1,000,000 bytes, one decimal at most)."""
    locale = LOCALES.get(lang, "fr_CA")
    for unit, scale in (("digital-megabyte", MEGABYTE), ("digital-kilobyte", 1000)):
        if size >= scale:
            return format_unit(round(size / scale, 1), unit, length="short", locale=locale,
                               format="#,##0.#")
    return format_unit(size, "digital-byte", length="short", locale=locale)


def human_types(accept: tuple[str, ...], lang: str) -> str:
    """The accepted types in words: "PDF, JPEG ou PNG" / "PDF, JPEG or PNG"."""
    names = [HUMAN_TYPES[t].get(lang) if t in HUMAN_TYPES else t.split("/")[-1].upper()
             for t in accept]
    return format_list(list(dict.fromkeys(names)), style="or",
                       locale=LOCALES.get(lang, "fr_CA"))


def _reference(value: Any) -> Any:
    """A posted reference (JSON text of {"id", "name", "size", "sha256"}) as a dict; the
    text itself when it is none (the schema then refuses it)."""
    try:
        ref = json.loads(value)
    except ValueError:
        return value
    if isinstance(ref, dict) and set(ref) == set(REF_KEYS):
        return ref
    return value


class FileType(FieldType):
    """`file`: one or more uploaded files, listed by name, size and SHA-256."""

    name = "file"
    macro = "file"
    input_type = "file"
    multipart = True
    value_kind = "list"
    operators = frozenset({"answered"})
    properties = {
        "accept": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        "max_size_mb": {"type": "number", "exclusiveMinimum": 0, "maximum": 1000},
        "max_files": {"type": "integer", "minimum": 1, "maximum": 50},
    }
    messages = MESSAGES
    upload_message_keys = frozenset(REFUSAL_MESSAGE.values())
    placeholder_names = frozenset({"types", "max_size", "max_files"})

    def check(self, f: Field, d: Definition) -> Iterator[DesignerError]:
        """FIELD_TYPE for an `accept` entry that is no MIME type ("type/subtype" or
        "type/*", lower case), and for a file question inside a repeating group (files
        are kept per question of the dossier, not per item: not supported yet)."""
        if f.id in d.nested_fields():
            yield error(ErrorCode.FIELD_TYPE, d.path, f.line, field=f.id, type=self.name,
                        problem="a file question cannot be inside a repeating group (not "
                                "supported yet): ask for the files after the group, once")
        for entry in f.extra.get("accept", ()):
            if not isinstance(entry, str) or not MIME.fullmatch(entry):
                yield error(ErrorCode.FIELD_TYPE, d.path, f.line, field=f.id, type=self.name,
                            problem=f"the accept entry {entry!r} is not a MIME type such as "
                                    "application/pdf or image/*")

    def upload_rules(self, f: Field) -> UploadRules:
        """`accept` (default: PDF, JPEG, PNG), `max_size_mb` in bytes, `max_files`."""
        mb = f.extra.get("max_size_mb", DEFAULT_MAX_SIZE_MB)
        return UploadRules(tuple(f.extra.get("accept", DEFAULT_ACCEPT)), int(mb * MEGABYTE),
                           int(f.extra.get("max_files", DEFAULT_MAX_FILES)))

    def schema(self, f: Field) -> dict[str, Any]:
        """An array of 1 to `max_files` references {id, name, size, sha256}."""
        return {"type": "array", "minItems": 1,
                "maxItems": self.upload_rules(f).max_files,
                "items": {"type": "object", "required": list(REF_KEYS),
                          "additionalProperties": False,
                          "properties": {
                              "id": {"type": "string", "pattern": FILE_ID},
                              "name": {"type": "string", "minLength": 1, "maxLength": 255},
                              "size": {"type": "integer", "minimum": 1},
                              "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}}}

    def parse(self, f: Field, getlist: GetList, name: str) -> Any:
        """The references the page lists (hidden inputs, JSON each), as dicts; None for
        none. The files chosen in the input are not here: the web stores them."""
        refs = [_reference(r) for r in getlist(name) if isinstance(r, str) and r]
        return refs or None

    def normalize(self, f: Field, value: Any) -> Any:
        """Unchanged but for a reference listed twice, kept once."""
        if not isinstance(value, list):
            return value
        seen: set[str] = set()
        out = []
        for ref in value:
            key = ref.get("id") if isinstance(ref, dict) else None
            if isinstance(key, str):
                if key in seen:
                    continue
                seen.add(key)
            out.append(ref)
        return out

    def examples(self, f: Field) -> tuple[Any, ...]:
        """One file and, when the question takes more, two (as stored)."""
        one = {"id": "Exemple_Fichier-000001", "name": "acte.pdf", "size": 1234,
               "sha256": "0" * 64}
        two = [one, {**one, "id": "Exemple_Fichier-000002", "name": "photo.png"}]
        return ([one], two) if self.upload_rules(f).max_files > 1 else ([one],)

    def form_values(self, f: Field, value: Any, name: str) -> dict[str, list[str]]:
        """Each reference as the page posts it back (JSON), the inverse of `parse`."""
        if not isinstance(value, list):
            return {}
        return {name: [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in value]}

    def file_refs(self, f: Field, value: Any) -> tuple[str, ...]:
        """The `id` of each reference."""
        if not isinstance(value, list):
            return ()
        return tuple(r["id"] for r in value if isinstance(r, dict)
                     and isinstance(r.get("id"), str))

    def answer_with_files(self, f: Field, files: list[Mapping[str, Any]]) -> Any:
        """[{id, name, size, sha256}, ...] in the order given; None for no file."""
        return [{k: file[k] for k in REF_KEYS} for file in files] or None

    def display(self, f: Field, value: Any, lang: str) -> tuple[str, ...]:
        """One line per file: "acte.pdf (1,2 Mo) – SHA-256 : <64 hex digits>"."""
        if not isinstance(value, list):
            return ()
        label = "SHA-256 : " if lang != "en" else "SHA-256: "
        return tuple(f"{r['name']} ({file_size(r['size'], lang)}) – {label}{r['sha256']}"
                     for r in value if isinstance(r, dict) and set(REF_KEYS) <= set(r)
                     and isinstance(r["size"], int))

    def upload_message(self, f: Field, code: str, limit: int | None) -> Text:
        """The designer's message for the refusal (`messages:` accept, max_size,
        max_files), else the type's, with {types}, {max_size} and {max_files} filled."""
        from ..validate import message_for

        rules = self.upload_rules(f)
        key = REFUSAL_MESSAGE.get(code, code)
        if key == "max_files" and rules.max_files == 1 and "max_files" not in f.messages:
            key = "one_file"
        if key not in MESSAGES:
            key = "type"
        size = limit if code in ("too_large", "dossier_full") and limit else rules.max_bytes
        return message_for(f, key, more={
            "types": Text(human_types(rules.accept, "fr"), human_types(rules.accept, "en")),
            "max_size": Text(file_size(size, "fr"), file_size(size, "en")),
            "max_files": limit or rules.max_files})


register(FileType())
