"""One save path for a section (ENREGISTRER), and the answers an ended session posts.

`save_posted` is the only way answers reach a dossier; it applies these rules:
- only the posted section's questions are read from the form
  (engine.formdata.section_answers); the other sections' stored answers stay;
- an answer too big even for a draft (web/forms/answer_sizes.py) refuses the
  whole save: nothing is stored (`AnswersTooBig`);
- a dossier that is no longer editable is refused (storage.Locked);
- a save made from an older version of the dossier than the stored one is
  refused (storage.Conflict): two tabs never silently overwrite each other.

ENREGISTRER shows each refusal on the page.

A section saved, updated or left after its session expired, or after it was logged
out in another tab, is never saved: its answers are kept aside for the account
(`_keep`, storage.keep_answers; registered with web/accounts/login_session.py
`keep_posts`), and the section page offers them back after login (`kept_answers`)
until the applicant saves them through `save_posted` or discards them (issue #13
item 8). A section posted from a page of a version the draft has left since (a
`drafts: migrate` deploy, the draft opened in another tab) is kept aside the same way
(`keep_posted`, reason FORM_UPDATED), read as that older page asked it and renamed by
storage as the migrations renamed the stored answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, g, request

import storage
from engine import CompiledDefinition
from engine.formdata import merged_answers, section_answers
from engine.model import Section
from engine.validate import clean
from web.accounts.current import account_id
from web.accounts.login_session import Keeper, keep_posts
from web.forms.answer_sizes import overlong_fields
from web.forms.hidden_answers import posted
from web.registry import definition, registry
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


def drawn_version() -> int | None:
    """The definition version the posted section form was drawn from (its hidden
    `definition_version`), or None when the form does not say."""
    try:
        return int(request.form.get("definition_version", ""))
    except ValueError:
        return None


def page_outdated(dossier: Any) -> bool:
    """Whether the posted section form was drawn from an older definition version than
    `dossier`'s (a DossierView) now is: the draft was migrated meanwhile (issue 14: a page
    left open across a `drafts: migrate` deploy, then opened elsewhere). Its answers are
    in the older version's terms: they must not be saved nor shown as they are. A form
    that does not say (an older page, a test) is taken as current."""
    drawn = drawn_version()
    return drawn is not None and drawn < dossier.definition_version


def save_posted(compiled: CompiledDefinition, account_id: int, dossier: storage.DossierView,
                section: Section, posted: Mapping[str, Any], version: int,
                kept_aside: bool | None = None) -> storage.DossierView:
    """Save `posted` (one section's answers, as engine.formdata reads them) into the
    account's `dossier` (a DossierView read in this request) as a draft, if the stored
    dossier is still at `version`.
    `kept_aside`: whether answers may be kept aside for the account in that dossier
    (storage.save_section's), by default as the session check's read says
    (`may_keep_aside`).

    Returns the saved dossier. Raises AnswersTooBig (nothing stored),
    storage.Locked (not editable), storage.Conflict (changed since `version`),
    storage.NotFound (not the account's).
    """
    # judged on the answers as the save will store them: a question left out of
    # `posted` (an API PUT names only what it changes) keeps its stored answer, which
    # may show the question an overlong answer is given to
    too_big = overlong_fields(section, clean(compiled, merged_answers(section, dossier.answers,
                                                                      posted)))
    if too_big:
        raise AnswersTooBig(too_big)
    if kept_aside is None:
        kept_aside = may_keep_aside(dossier.number)
    return storage.save_section(registry(), account_id, dossier.number, section.id,
                                dict(posted), version, kept_aside=kept_aside, seen=dossier)


def _posted_section() -> tuple[str, str] | None:
    """The (dossier number, section id) of the request's address, if it names them."""
    args = request.view_args or {}
    number, section_id = args.get("number"), args.get("section_id")
    if not isinstance(number, str) or not isinstance(section_id, str):
        return None
    return number, section_id


def keep_posted(owner: int, dossier: Any, section_id: str,
                reason: str = storage.SESSION_ENDED) -> bool:
    """Keep the posted answers of the section `section_id` aside for `owner`
    (storage.keep_answers), read as the page they were typed on asked them (its
    `definition_version`: a page of a version the draft `dossier`, a DossierView or
    DossierStamp, has left since names the older questions and options; storage renames
    them as the migrations did). `reason`: storage.SESSION_ENDED or FORM_UPDATED. True
    when kept; False when that version or section is unknown, the dossier is not the
    account's or no longer editable, or nothing typed differs (FORM_UPDATED). Never
    writes to the dossier."""
    drawn = drawn_version()
    try:
        compiled = (definition(dossier) if drawn is None else
                    storage.definition_of(registry(), dossier.type_id, drawn))
    except storage.NotFound:
        return False
    section = compiled.definition.section(section_id)
    if section is None:
        return False
    try:
        return storage.keep_answers(registry(), owner, dossier.number, section_id,
                                    section_answers(section, posted()),
                                    drawn_version=drawn, reason=reason)
    except (storage.NotFound, storage.Locked):
        return False


def _keep(owner: int) -> bool:
    """Keep the posted section's answers aside for `owner` after its session ended
    (`keep_posted`): True when kept; False when the address names no dossier of that
    account, no section of its type, or a dossier no longer editable."""
    where = _posted_section()
    if where is None:
        return False
    number, section_id = where
    try:
        stamp = storage.dossier_stamp(owner, number, registry())
    except storage.NotFound:
        return False
    return keep_posted(owner, stamp, section_id)


def _owner() -> int | None:
    """The account owning the dossier in the address, when the posted form proves it
    was rendered for that account (`posted_for`); None otherwise. Reads, never writes."""
    where = _posted_section()
    owner = storage.dossier_owner(where[0]) if where is not None else None
    return owner if owner is not None and posted_for(owner) else None


def kept_answers(number: str, section_id: str) -> storage.KeptAside | None:
    """The answers kept aside for the logged-in applicant in that section and why, or
    None. Asked of the database only when the session check's read (`g.visit`) says
    some are kept in that dossier."""
    if not may_keep_aside(number):
        return None
    return storage.kept_aside(account_id(), number, section_id)


def may_keep_aside(number: str) -> bool:
    """Whether answers may be kept aside for the logged-in applicant in the dossier
    `number`: False only when the session check's read of that very dossier (`g.visit`,
    storage.visit) found none."""
    visit = g.get("visit")
    return not (visit is not None and visit.number == number.strip() and not visit.kept)


def init_app(app: Flask) -> None:
    """What an ended session posts to the section's save or update is kept aside for
    its account (`_keep`), never saved."""
    keep_posts(app, ("forms.save", "forms.refresh"),
               Keeper(_keep, _owner, "forms.section"))
