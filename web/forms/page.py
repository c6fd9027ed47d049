"""What a section page shows, computed with the engine from stored or posted answers.

The same functions serve the full page, the htmx fragment and the no-JavaScript
"update the questions" post, so the three always agree on which questions show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from flask import abort, g, url_for

import storage
from engine import CompiledDefinition
from engine.fieldtypes import GetList
from engine.model import Section
from engine.recap import build_recap
from engine.validate import (
    SectionStatus,
    clean,
    section_status,
    unknown_answers,
    validate_section,
    visible_sections,
)
from engine.workflow import applicant_transitions, guard_failures
from web.accounts.current import account_id, account_name, current_account
from web.dossiers.display import DossierHeader, correction_for, dossier_header
from web.forms.fields import ItemsShown, section_field_views
from web.forms.hidden_answers import carry
from web.forms.migration import migrate_on_open
from web.i18n import current_lang, localize
from web.registry import definition, registry
from web.ui.fields import FieldView


@dataclass(frozen=True)
class NavItem:
    """One section in the form's navigation: its id, title (current language), whether
    its answers are valid (Guide: a green check once a section's answers are valid),
    and whether it is the page shown."""

    id: str
    title: str
    valid: bool
    current: bool


@dataclass(frozen=True)
class SummaryItem:
    """One line of the error summary: the message and the input it links to."""

    message: str
    anchor: str | None = None
    section: str | None = None


@dataclass
class SectionPage:
    """Everything a section page draws: the dossier header, the engine Section, the
    navigation, the shown questions as FieldViews (values as typed, errors when asked),
    the dossier `version` the form posts back, the section's errors that belong to
    no shown question, and whether the answers were `checked` (errors shown: the
    form says so, and updating the questions keeps showing the errors, so the error
    summary and the questions always agree)."""

    header: DossierHeader
    section: Section
    nav: list[NavItem]
    fields: list[FieldView]
    version: int
    section_errors: list[str] = field(default_factory=list)  # not about one shown question
    checked: bool = False
    definition_version: int = 0  # of the definition the page was drawn from (posted back)
    prefilled: bool = False  # shows answers from the profile (never kept in the page cache)
    multipart: bool = False  # a question posts files: the form is multipart/form-data
    carried: str = ""  # the answers of the questions it hides (web/forms/hidden_answers.py)

    @property
    def base(self) -> str:
        """The dossier's address, "/dossiers/<number>/": the page's links hang off it."""
        return url_for("forms.dossier", number=self.header.number)

    @property
    def links(self) -> dict[str, str]:
        """The page's addresses, under `base`: "save" (ENREGISTRER), "refresh" (update
        the questions), "recap" (RÉCAPITULATIF, coming back here), "submit"
        (SOUMETTRE) and "sections". Guide: QUITTER ENREGISTRER RÉCAPITULATIF SOUMETTRE
        on every form page."""
        base, sid = self.base, self.section.id
        return {"save": f"{base}sections/{sid}", "refresh": f"{base}sections/{sid}/actualiser",
                "recap": f"{base}recapitulatif?retour={sid}", "submit": f"{base}soumettre",
                "sections": f"{base}sections/"}


def dossier_stamp(number: str) -> storage.DossierStamp:
    """The (number, version) of one of the applicant's dossiers: the one read with the
    session check (web/accounts/login_session.py) when the address names it, else read now.
    storage.NotFound (hence 404) for a dossier that is not the applicant's."""
    visit = g.get("visit")
    if visit is not None and visit.number == number.strip():
        if visit.dossier is None:
            raise storage.NotFound(f"dossier {number}")
        return visit.dossier
    return storage.dossier_stamp(account_id(), number, registry())


def load(number: str, migrate: bool = True) -> tuple[Any, CompiledDefinition]:
    """The applicant's dossier (storage.DossierView, expired first if overdue) and its
    compiled type. storage.NotFound, hence 404, for a number that is not the
    applicant's; its compiled type is the version it is pinned to (`definition`), also
    for a type since removed from forms/; 404 when that version is nowhere. A draft of
    an older version whose type says `drafts: migrate` is migrated first
    (web/forms/migration.py), unless `migrate` is False (a save posted from the older
    page: storage migrates it and renames the posted answers alike)."""
    dossier = storage.get_dossier(account_id(), number, registry())
    if migrate and migrate_on_open(dossier):  # drafts: migrate, and this draft was older
        dossier = storage.get_dossier(account_id(), number, registry())
    try:
        compiled = definition(dossier)
    except storage.NotFound:
        abort(404)
    return dossier, compiled


def section_of(compiled: CompiledDefinition, section_id: str) -> Section:
    """The definition's section `section_id`; 404 (werkzeug NotFound) for an unknown
    id."""
    section = compiled.definition.section(section_id)
    if section is None:
        abort(404)
    return section


def header(compiled: CompiledDefinition, dossier: Any) -> DossierHeader:
    """The dossier page's header, for the applicant logged in (web/dossiers/display.py);
    a submitted dossier an agent sent back to be corrected carries the agent's reason
    (storage.correction_request), shown above the form."""
    drawn = dossier_header(compiled, dossier, account_name())
    reason = correction_for(account_id(), dossier, drawn.editable)
    return replace(drawn, correction=reason) if reason else drawn


def merged(stored: Mapping[str, Any], section: Section, posted: Mapping[str, Any]
           ) -> dict[str, Any]:
    """Stored answers of the other sections with this section's posted answers.

    `stored`, `posted`: field id -> value (str, bool, list[str]); a posted None
    (unanswered) is left out, so the section's answer is empty, not the stored one.
    """
    own = {f.id for f in section.fields}
    answers = {k: v for k, v in stored.items() if k not in own}
    answers.update({k: v for k, v in posted.items() if v is not None})
    return answers


def nav(compiled: CompiledDefinition, cleaned: Mapping[str, Any], current: str) -> list[NavItem]:
    """Every section shown for `cleaned` (the whole dossier's answers, cleaned by the
    engine), in order, each valid or not; a section hidden by its `when` is left out
    (engine `visible_sections`). `current`: the section shown."""
    return [NavItem(s.id, localize(s.title),
                    section_status(compiled, s.id, cleaned) is SectionStatus.VALID,
                    s.id == current)
            for s in visible_sections(compiled, cleaned)]


def section_page(compiled: CompiledDefinition, dossier: Any, section: Section,
                 answers: Mapping[str, Any], version: int, show_errors: bool,
                 refused: Mapping[str, str] | None = None,
                 counts: Mapping[str, int] | None = None, focus: str = "",
                 posted: GetList | None = None) -> SectionPage:
    """`draw_section` for the applicant logged in: the header of their `dossier` (a
    storage.DossierView) and what their profile prefills, the navigation judged on its
    stored answers; the other arguments as there."""
    account = current_account()
    return draw_section(compiled, header(compiled, dossier), section, answers, version,
                        show_errors, refused, counts, focus,
                        account.profile if account is not None else {},
                        stored=dossier.answers, posted=posted)


def draw_section(compiled: CompiledDefinition, page_header: DossierHeader, section: Section,
                 answers: Mapping[str, Any], version: int, show_errors: bool,
                 refused: Mapping[str, str] | None = None,
                 counts: Mapping[str, int] | None = None, focus: str = "",
                 profile: Mapping[str, Any] | None = None,
                 stored: Mapping[str, Any] | None = None,
                 posted: GetList | None = None) -> SectionPage:
    """Shown questions for `answers` (the whole dossier's, this section's as typed).

    `answers`: field id -> value (str, bool, list[str]); `version`: the dossier version
    the form will post back; `show_errors`: validate the section and put each message
    on its question (or in the section's errors when no shown question takes it).
    A question without an answer shows what its type takes from the profile
    (`prefilled`). An answer that is none of its question's choices (an option since removed or
    renamed) shows "Votre réponse précédente n'est plus proposée" on its question
    even when errors are not asked for: nothing is ticked, so the applicant must know.
    The questions some condition reads carry the section's update address.
    `refused`: field id -> why a file posted for it was not kept (current language),
    shown on the question and in the error summary whatever `show_errors` says.
    `counts`: repeating group id -> how many items to show at least (the page's count,
    web/forms/groups.py); `focus`: the item that takes the focus ("<group>.<index>").
    `page_header`: the dossier header drawn (its `number` makes the page's addresses);
    `profile`: the applicant's profile (key -> value) the unanswered questions show.
    `stored`: the answers as saved (default: `answers`), which the navigation's sections
    and their green checks are judged on: a page drawn from answers not saved yet (an
    update, a language switch, answers kept aside) never shows a section as done.
    `posted`: the form the page is drawn from, when it is (web/forms/hidden_answers.py
    `posted`): the page carries what it held for the questions it hides.
    Needs no storage: the portal (`section_page`) and the designer's preview
    (web/preview) draw their pages with it.
    """
    cleaned = clean(compiled, answers)
    by_field: dict[str, list[str]] = {}
    section_errors: list[str] = []
    errors = (validate_section(compiled, section.id, cleaned) if show_errors
              else unknown_answers(section, cleaned))
    for e in errors:
        if e.path:
            by_field.setdefault(e.path, []).append(localize(e.message))
        else:
            section_errors.append(localize(e.message))
    for field_id, why in (refused or {}).items():
        by_field.setdefault(field_id, []).insert(0, why)
    messages = {k: " ".join(v) for k, v in by_field.items()}
    number = page_header.number
    refresh = url_for("forms.refresh", number=number, section_id=section.id)
    from_profile = prefilled_from(section, answers, profile or {})
    values = {**from_profile, **answers}
    items = ItemsShown(counts or {}, focus, messages, refresh, save=url_for(
        "forms.save", number=number, section_id=section.id), update=refresh)
    fields = section_field_views(compiled, section, values, cleaned, messages, refresh, items)
    shown = {f.id for f in fields}
    section_errors += [m for k, m in messages.items()
                       if k.split(".", 1)[0] not in shown]  # never lose one
    saved = cleaned if stored is None or stored is answers else clean(compiled, stored)
    return SectionPage(page_header, section, nav(compiled, saved, section.id),
                       fields, version, section_errors, show_errors,
                       compiled.definition.version, bool(from_profile),
                       any(f.kind.multipart for f in section.fields),
                       carry(section, fields, posted))


def prefilled_from(section: Section, answers: Mapping[str, Any], profile: Mapping[str, Any]
                   ) -> dict[str, Any]:
    """What the section's unanswered questions show from `profile` (key -> value, as
    storage keeps an account's profile), field id -> value (`FieldType.prefill`: an
    address with `prefill: profile.address`); only shown, stored when the applicant
    saves."""
    out = {}
    for f in section.fields:
        if f.id not in answers:
            value = f.kind.prefill(f, profile)
            if value is not None:
                out[f.id] = value
    return out


def recap_of(compiled: CompiledDefinition, dossier: Any,
             sections: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The recap as a dict: the frozen one of a submitted dossier, else built now."""
    frozen = (dossier.snapshot or {}).get("recap", {}).get(current_lang())
    if not frozen:
        return recap_for(compiled, dossier.answers, sections)
    if sections is None:
        return frozen
    return {**frozen, "sections": [s for s in frozen["sections"] if s["id"] in sections]}


def recap_for(compiled: CompiledDefinition, answers: Mapping[str, Any],
              sections: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The engine's recap of `answers` (field id -> value) as a dict, in the current
    language, for `sections` (ids; None: all): sections, questions, answers as the
    applicant saw them, masked values masked."""
    return asdict(build_recap(compiled, dict(answers), current_lang(), sections))


def submit_blockers(compiled: CompiledDefinition, dossier: Any) -> list[SummaryItem]:
    """Why the applicant may not submit now (errors by section, deadline, eligibility
    against the profile as it is now), per the engine;
    [] when nothing blocks, or when no applicant transition leaves the dossier's state.
    Guide: errors block the submission and say where."""
    transitions = applicant_transitions(compiled.definition, dossier.status)
    if not transitions:
        return []
    account = current_account()
    birth_date = account.profile.get("birth_date", "") if account else ""
    failures = guard_failures(compiled, transitions[0], dossier.status, dossier.answers,
                              dossier.deadline,
                              storage.clock.local(storage.clock.now()),
                              birth_date=date.fromisoformat(birth_date) if birth_date else None)
    return failures_summary(failures)


def failures_summary(failures: list[Any]) -> list[SummaryItem]:
    """The error summary's lines for guard failures (engine GuardFailure: message in
    both languages, section to correct), in the current language."""
    return [SummaryItem(localize(f.message), section=f.section) for f in failures]
