"""One save path for a section: ENREGISTRER, and the rescue of an expired session's POST.

Both go through `save_posted`, so they apply the same rules:
- only the posted section's questions are read from the form
  (engine.formdata.section_answers); the other sections' stored answers stay;
- an answer too big even for a draft (web/forms/answer_sizes.py) refuses the
  whole save: nothing is stored (`AnswersTooBig`);
- a dossier that is no longer editable is refused (storage.Locked);
- a save made from an older version of the dossier than the stored one is
  refused (storage.Conflict): two tabs never silently overwrite each other.

ENREGISTRER shows each refusal on the page. The rescue (no one is there to see
it) keeps the posted answers in the session instead, and the section page
shows them again after login (web/accounts/login_session.py); so does a save
posted after the session was logged out in another tab (`_keep`: nothing saved).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, request

import storage
from engine import CompiledDefinition
from engine.formdata import section_answers
from engine.model import Section
from engine.validate import clean
from engine.workflow import is_editable
from web.accounts.login_session import Rescue, rescue_posts
from web.forms.answer_sizes import overlong_fields
from web.forms.page import merged
from web.registry import registry
from web.ui.redisplay import posted_for


class AnswersTooBig(Exception):
    """Some posted answers exceed what even a draft may hold; `fields` lists their ids."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(", ".join(fields))
        self.fields = fields


def posted_version() -> int:
    """The dossier version the posted form was rendered from (-1 when missing or bad)."""
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        return -1


def save_posted(compiled: CompiledDefinition, account_id: int, dossier: Any,
                section: Section, posted: Mapping[str, Any], version: int
                ) -> storage.DossierView:
    """Save `posted` (one section's answers, as engine.formdata reads them) into the
    account's `dossier` as a draft, if the stored dossier is still at `version`.

    Returns the saved dossier. Raises AnswersTooBig (nothing stored),
    storage.Locked (not editable), storage.Conflict (changed since `version`),
    storage.NotFound (not the account's).
    """
    too_big = overlong_fields(section, clean(compiled, merged(dossier.answers, section,
                                                              posted)))
    if too_big:
        raise AnswersTooBig(too_big)
    return storage.save_section(registry(), account_id, dossier.number, section.id,
                                dict(posted), version)


def _rescue(account_id: int) -> str | dict[str, Any] | None:
    """The expired request's section, saved by `save_posted` for `account_id`: "saved";
    the posted answers to keep for after login when the save is refused as too big
    or out of date; None when there is nothing to save (no such dossier or section,
    or a dossier no longer editable)."""
    args = request.view_args or {}
    number, section_id = args.get("number"), args.get("section_id")
    try:
        dossier = storage.get_dossier(account_id, number, registry())
    except storage.NotFound:
        return None
    compiled = registry().get(dossier.type_id)
    section = compiled.definition.section(section_id) if compiled else None
    if compiled is None or section is None:
        return None
    posted = section_answers(section, request.form.getlist)
    try:
        save_posted(compiled, account_id, dossier, section, posted, posted_version())
    except (AnswersTooBig, storage.Conflict):
        return {"account": account_id, "number": number, "section": section_id,
                "answers": posted}
    except (storage.Locked, storage.NotFound):
        return None
    return "saved"


def _keep() -> dict[str, Any] | None:
    """The posted section's answers, to keep in the session for the dossier's owner,
    when the form proves it was rendered for that account (`posted_for`) and the
    dossier is still editable; None otherwise. Reads, never writes."""
    args = request.view_args or {}
    number, section_id = args.get("number"), args.get("section_id")
    if not isinstance(number, str) or not isinstance(section_id, str):
        return None
    owner = storage.dossier_owner(number)
    if owner is None or not posted_for(owner):
        return None
    try:
        stamp = storage.dossier_stamp(owner, number, registry())
    except storage.NotFound:
        return None
    compiled = registry().get(stamp.type_id)
    section = compiled.definition.section(section_id) if compiled else None
    if (compiled is None or section is None
            or not is_editable(compiled.definition, stamp.status)):
        return None
    return {"account": owner, "number": number, "section": section_id,
            "answers": section_answers(section, request.form.getlist)}


def init_app(app: Flask) -> None:
    """An expired session's ENREGISTRER or question update saves through `save_posted`;
    one posted after a logout elsewhere keeps its answers for after login (`_keep`)."""
    rescue_posts(app, ("forms.save", "forms.refresh"),
                 Rescue(_rescue, "forms.section", keep=_keep))
