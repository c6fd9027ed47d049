"""The `declaration` type: a statement the applicant ticks (an attestation).

Issue 15: the attestation at the end of a real form must be kept "with its text and
the moment it was ticked". The label is the statement; its one tick box posts the
language the page was shown in, and the answer records what was ticked:
{"text": the statement in that language, "lang": "fr" | "en", "at": the moment,
aware UTC ISO 8601 ("2026-11-30T15:40:12+00:00")}. Saving the page again with the box
still ticked keeps the first moment (`resave`). A statement changed since (a new
version of the definition) is to be ticked again: its old text is no longer one of
the statement's. Required by default, like every question.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_time

from ..compare import now
from ..model import LANGS, Field, Text
from . import FieldType, GetList, register
from .date import LOCALES, format_long

SERVICE_ZONE = ZoneInfo("America/Toronto")
ACCEPTED = Text("Accepté le {date} à {time}", "Accepted on {date} at {time}")



def ticked_at(value: Any) -> datetime | None:
    """The aware moment a stored answer says the box was ticked; None if it says none."""
    if not isinstance(value, Mapping) or not isinstance(value.get("at"), str):
        return None
    try:
        moment = datetime.fromisoformat(value["at"])
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


class DeclarationType(FieldType):
    """`declaration`: one tick box whose label is the statement."""

    name = "declaration"
    macro = "declaration"
    input_type = "checkbox"
    value_kind = "dict"
    operators = frozenset({"answered"})
    messages = {"required": Text("Cochez la case pour faire cette déclaration.",
                                 "Tick the box to make this declaration."),
                "option": Text("Cette déclaration a changé : relisez-la, puis cochez de "
                               "nouveau la case.", "This declaration has changed: read it "
                               "again, then tick the box again.")}

    def example_posts(self, f: Field, name: str) -> tuple[dict[str, list[str]], ...]:
        """The box ticked on a French page, or on an English one."""
        return ({name: ["fr"]}, {name: ["en"]})

    def parse(self, f: Field, getlist: GetList, name: str) -> Any:
        """Ticked (a language code posted): {"text", "lang", "at": now}; anything else
        posted is kept as typed, for its error; None when not ticked."""
        lang = super().parse(f, getlist, name)
        if lang is None or lang == "":
            return None
        if lang not in LANGS:
            return lang
        return {"text": f.label.get(lang), "lang": lang, "at": now().isoformat()}

    def normalize(self, f: Field, value: Any) -> Any:
        """A posted text stays as typed (a blank one is no answer); a dict unchanged."""
        return super().normalize(f, value) if isinstance(value, str) else value

    def schema(self, f: Field) -> dict[str, Any]:
        """{"text": one of the statement's texts, "lang", "at": a date-time}."""
        return {"type": "object", "additionalProperties": False,
                "required": ["text", "lang", "at"],
                "properties": {"text": {"enum": sorted({f.label.fr, f.label.en})},
                               "lang": {"enum": list(LANGS)},
                               "at": {"type": "string", "format": "date-time",
                                      "maxLength": 40}}}

    def unknown_choices(self, f: Field, value: Any) -> tuple[Any, ...]:
        """A ticked statement whose text is no longer the field's (changed since)."""
        if isinstance(value, Mapping) and value.get("text") not in (f.label.fr, f.label.en):
            return (value,)
        return ()

    def display(self, f: Field, value: Any, lang: str) -> tuple[str, ...]:
        """"Accepté le 30 novembre 2026 à 10 h 40" / "Accepted on November 30, 2026 at
        10:40 a.m." (America/Toronto); () when the answer holds no moment."""
        moment = ticked_at(value)
        if moment is None:
            return ()
        local = moment.astimezone(SERVICE_ZONE)
        locale = LOCALES.get(lang, "fr_CA")
        return (ACCEPTED.filled(date=format_long(local.date(), lang),
                                time=format_time(local.time(), "short", locale=locale)
                                ).get(lang),)

    def input_texts(self, f: Field, value: Any, lang: str, name: str) -> dict[str, str] | None:
        """The language the box posts (this page's); the box is ticked when the answer
        is a ticked statement or a posted language ({name + ".ticked": "true"})."""
        ticked = isinstance(value, Mapping) or value in LANGS
        return {name: lang, name + ".ticked": "true" if ticked else ""}

    def resave(self, f: Field, stored: Any, posted: Any) -> Any:
        """The stored answer when the same statement is ticked again (its first moment
        is kept); else the posted one."""
        if (isinstance(stored, Mapping) and isinstance(posted, Mapping)
                and ticked_at(stored) is not None
                and (stored.get("text"), stored.get("lang")) == (posted.get("text"),
                                                                 posted.get("lang"))):
            return stored
        return posted


register(DeclarationType())
