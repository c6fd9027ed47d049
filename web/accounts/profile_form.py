"""The applicant's profile form: reading, checking and drawing it.

Every field, with its kind, length, required mark, options, autocomplete token and
generic label, comes from the profile schema (engine/profile.yaml, `PROFILE`), which
also gives the database its columns and the PDF its default profile block, so a
field is declared once; this module adds what a form needs. The email address
belongs to the account (`source: account`): shown with the profile, changed nowhere
here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from engine.profile import (
    DATE,
    PROFILE,
    ProfileField,
    ProfileLayout,
    ShownGroup,
    format_error,
    normalized,
)
from engine.typed_text import clean_text
from web.i18n import N_, _, current_lang, localize
from web.ui.fields import FieldView, simple_choices

# the fields the profile form asks, in the schema's order (not the account's email)
FORM_FIELDS: tuple[ProfileField, ...] = PROFILE.stored()
# what must match an existing dossier to link it (shown read-only, from the profile)
LINK_IDENTITY = tuple(shown.field.key for shown in PROFILE.identity)


def group_title(g: ShownGroup) -> str:
    """"Téléphone – Domicile": the group's heading and subtitle, in the current language."""
    return f"{localize(g.heading)} – {localize(g.subtitle)}" if g.subtitle else localize(g.heading)


def read_profile(form: Mapping[str, str]) -> dict[str, str]:
    """The profile fields of a posted form, made safe and composed as answers are (no
    control codes such as NUL, no lone surrogates, accents composed: NFC), with spaces
    and invisible characters trimmed (engine.validate.clean_text: a name of zero-width
    spaces is no name); absent fields are "". A value over its max_length is kept whole
    (`profile_errors` refuses it: nothing typed is ever cut silently). A postal code
    of the address's country is written as its post writes it ("h2x2s5": "H2X 2S5")."""
    return normalized({f.key: clean_text(form.get(f.key) or "") for f in FORM_FIELDS})


# rule of the profile schema -> its message (msgid: translated where shown); the rule
# names are the engine's FieldError kinds where one means the same (the API's `rule`)
PROFILE_RULES: dict[str, str] = {
    "required": N_("Ce champ est obligatoire."),
    "max_length": N_("Cette réponse est trop longue."),
    "option": N_("Choisissez une réponse proposée dans la liste."),
    "format": N_("Entrez une date de naissance passée, au format AAAA-MM-JJ."),
    "earliest": N_("Vérifiez cette date : elle est trop ancienne."),
    "calling_code": N_("Entrez un indicatif international valide, par exemple 1 pour le "
                       "Canada ou 33 pour la France."),
    "phone_number": N_("Entrez un numéro de téléphone valide, par exemple 514 555-0123."),
    "phone_code": N_("Ce numéro commence par un autre indicatif que celui que vous avez "
                     "indiqué. Corrigez l'indicatif, ou écrivez le numéro sans son "
                     "indicatif."),
    "phone_extension": N_("Entrez un numéro de poste fait de chiffres seulement, par "
                          "exemple 210."),
    "postal_code": N_("Entrez un code postal valide pour le pays de votre adresse."),
}


def profile_rule_errors(profile: Mapping[str, str], today: date) -> dict[str, str]:
    """Field key -> the PROFILE_RULES rule it breaks, by the schema's rules: required
    fields filled ("required"), none over its max_length, the database column's
    ("max_length"), a choice among its options ("option"), a date as YYYY-MM-DD, before
    `today` when the schema says `past`: the birth date, the only date of the profile
    ("format"), not before its `earliest` day ("earliest"), and the value's `format`
    (engine.profile.format_error: "calling_code", "phone_number", "phone_code",
    "phone_extension", "postal_code"). The profile page and the API
    (web/api/profile.py) both check with it."""
    errors: dict[str, str] = {}
    for f in FORM_FIELDS:
        value = profile.get(f.key)
        if f.required and not value:
            errors[f.key] = "required"
        elif value and f.max_length is not None and len(value) > f.max_length:
            errors[f.key] = "max_length"
        elif value and f.options and value not in f.values:
            errors[f.key] = "option"
        elif value and f.kind == "date" and not _good_date(value, today if f.past else None):
            errors[f.key] = "format"
        elif value and (rule := format_error(f, value, profile)):
            errors[f.key] = rule
    return errors


def profile_errors(profile: Mapping[str, str], today: date) -> dict[str, str]:
    """Field key -> message (its msgid: translated where shown) of `profile_rule_errors`."""
    return {key: PROFILE_RULES[rule] for key, rule in profile_rule_errors(profile, today).items()}


def _good_date(value: str, before: date | None) -> bool:
    if not DATE.match(value):
        return False
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return False
    return before is None or day < before


def field_view(f: ProfileField, profile: Mapping[str, Any], errors: Mapping[str, str]
               ) -> FieldView:
    """One profile input: a select for a choice, else an input of the field's kind,
    with the schema's label, required mark, autocomplete token and maxlength."""
    value = str(profile.get(f.key) or "")
    kind = {"choice": "select"}.get(f.kind, f.kind)
    choices = ()
    if kind == "select":
        choices = simple_choices(((o.value, localize(o.label)) for o in f.options), value)
    return FieldView(id=f.key, type=kind, label=localize(f.label), required=f.required,
                     error=_(errors[f.key]) if f.key in errors else "", value=value,
                     choices=choices, autocomplete=f.autocomplete,
                     max_length=f.max_length)


def group_views(profile: Mapping[str, Any], errors: Mapping[str, str]
                ) -> list[tuple[str, list[FieldView]]]:
    """(group title, its field views) for the profile form (registration, profile edit):
    the schema's groups, without the account's email."""
    out = []
    for g in PROFILE.layout.groups:
        views = [field_view(s.field, profile, errors) for s in g.fields
                 if s.field.source == "profile"]
        if views:
            out.append((group_title(g), views))
    return out


def items(profile: Mapping[str, Any], keys: tuple[str, ...]) -> list[tuple[str, str]]:
    """(generic label, value as read) of some profile fields, in the order asked."""
    fields = [PROFILE.fields[k] for k in keys]
    return [(localize(f.label), f.display(profile.get(f.key), current_lang())) for f in fields]


def summary(profile: Mapping[str, Any], email: str, layout: ProfileLayout = PROFILE.layout
            ) -> list[tuple[str, list[tuple[str, str]]]]:
    """(group title, [(label, value)]) for read-only display: the profile page (every
    field, generic labels) or a dossier type's wizard step 1 (its `profile:` block)."""
    shown = {**profile, "email": email}
    return [(group_title(g), [(localize(s.label), s.field.display(shown.get(s.field.key),
                                                              current_lang()))
                              for s in g.fields])
            for g in layout.groups]


def full_name(profile: Mapping[str, str]) -> str:
    """"Given names Family names" of a profile, for page headers."""
    return " ".join(p for p in (profile.get("given_names"), profile.get("family_names")) if p)
