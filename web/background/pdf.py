"""Render a dossier's recap document as PDF, from the snapshot frozen at submission.

The PDF reads only the snapshot (profile, answers and recap as they were when
the applicant submitted), never the live profile, so a later profile change
cannot alter a document already issued. What it contains (title, sections,
masked values) comes from the definition's `documents` entry; its profile block
(which fields, under what labels) from the definition's `profile:` block.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import weasyprint

from engine.model import Definition, Document, Text
from engine.profile import ProfileLayout, profile_layout

SERVICE_ZONE = ZoneInfo("America/Toronto")
LABELS = {
    "number": Text("Numéro de dossier", "File number"),
    "deposit": Text("Date de dépôt", "Date submitted"),
    "not_submitted": Text("Aperçu — non soumis", "Preview — not submitted"),
    "version": Text("Version du formulaire", "Form version"),
    "fingerprint": Text("Empreinte", "Fingerprint"),
}


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def _local_date(value: str | datetime | None) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is not None:
        moment = moment.astimezone(SERVICE_ZONE)
    return moment.date().isoformat()


def _profile_block(layout: ProfileLayout, profile: dict[str, Any], lang: str
                   ) -> dict[str, Any]:
    """The dossier type's profile block (its `profile:` in the YAML, else every field):
    a group with a title opens a heading, one without continues it under its subtitle."""
    return {
        "kind": "profile",
        "title": layout.title.get(lang),
        "groups": [
            {
                "title": group.title.get(lang) if group.title else None,
                "subtitle": group.subtitle.get(lang) if group.subtitle else None,
                "items": [(s.label.get(lang), s.field.display(profile.get(s.field.key), lang))
                          for s in group.fields],
            }
            for group in layout.groups
        ],
    }


def recap_html(definition: Definition, document: Document, snapshot: dict[str, Any],
               lang: str, preview: bool = False, fingerprint: str | None = None) -> str:
    """The document as HTML: also what the PDF benchmark renders directly.

    `snapshot`: as frozen at submission (number, submitted_at, profile, recap per
    language); `lang`: "fr" or "en" (French when the snapshot lacks it); the blocks
    follow `document.sections`, "profile" being the profile block. Guide: the recap
    holds the number, date of deposit, personal information, contact details and the
    sections' answers, identity numbers masked. `preview` (guichet preview's answers,
    never submitted): "Aperçu — non soumis" where the date of deposit would be.
    Every page's footer carries the dossier number, the definition version (the
    snapshot's, else the definition's) and `fingerprint` (the submission's, as printed:
    "ABCD EFGH IJKL MNOP QRST"; None: no fingerprint line, as in a preview). Issue #17:
    every recap PDF carries them, for the receipt check.
    """
    lang = lang if lang in snapshot.get("recap", {}) else "fr"
    recap = snapshot["recap"][lang]
    sections = {s["id"]: s for s in recap["sections"]}
    profile = snapshot.get("profile", {})
    blocks = []
    for section_id in document.sections:
        if section_id == "profile":
            blocks.append(_profile_block(profile_layout(definition), profile, lang))
        elif section_id in sections:
            blocks.append({"kind": "section", **sections[section_id]})
    name = " ".join(p for p in (profile.get("given_names"), profile.get("family_names")) if p)
    return _environment().get_template("documents/recap_pdf.html").render(
        lang=lang,
        service=definition.title.get(lang),
        title=document.title.get(lang),
        intro=document.intro.get(lang) if document.intro else "",
        outro=document.outro.get(lang) if document.outro else "",
        name=name,
        number=snapshot.get("number", ""),
        deposit_date=(LABELS["not_submitted"].get(lang) if preview
                      else _local_date(snapshot.get("submitted_at"))),
        labels={k: v.get(lang) for k, v in LABELS.items()},
        blocks=blocks,
        version=snapshot.get("definition_version", definition.version),
        fingerprint=fingerprint,
    )


def _fetch_nothing(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The recap needs no image, stylesheet or font from anywhere: nothing an answer
    could smuggle in (answers are escaped anyway) may make WeasyPrint read a file or
    call a server."""
    raise ValueError(f"the recap PDF loads no resource ({url[:80]})")


def render_pdf(html: str) -> bytes:
    """`html` as PDF bytes, by WeasyPrint, loading no resource: every file or server it
    would fetch is refused (`_fetch_nothing`)."""
    return weasyprint.HTML(string=html, url_fetcher=_fetch_nothing).write_pdf()


def recap_pdf(definition: Definition, document: Document, snapshot: dict[str, Any],
              lang: str, preview: bool = False, fingerprint: str | None = None) -> bytes:
    """The recap document of a submitted dossier as PDF bytes (`recap_html`, then
    `render_pdf`; `preview`: marked as never submitted; `fingerprint`: the submission's,
    printed in the footer). Guide: the recap of the application in Mes documents."""
    return render_pdf(recap_html(definition, document, snapshot, lang, preview, fingerprint))
