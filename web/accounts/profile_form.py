"""The applicant's profile form: reading, checking and drawing it.

Groups, labels and required marks come from `web.profile_layout` (shared with the
PDF recap), so a label is written once; this module adds what a form needs.
The email address belongs to the account, not the profile: it is shown with the
profile but changed nowhere here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from web.accounts.profile_layout import (
    PROFILE_GROUPS,
    SEX_LABELS,
    ProfileField,
    ProfileGroup,
    display,
)
from web.i18n import N_, _, current_lang, localize
from web.ui.fields import FieldView, simple_choices

ACCOUNT_KEYS = frozenset({"email"})  # shown with the profile, kept on the account
FORM_FIELDS: tuple[ProfileField, ...] = tuple(
    f for g in PROFILE_GROUPS for f in g.fields if f.key not in ACCOUNT_KEYS)
MAX_LENGTH = {"postal_code": 20, "phone_home_code": 6, "phone_mobile_code": 6,
              "phone_work_code": 6, "phone_home": 30, "phone_mobile": 30, "phone_work": 30,
              "phone_work_ext": 10}
# what must match an existing dossier to link it (shown read-only, from the profile)
LINK_IDENTITY = ("given_names", "family_names", "sex", "birth_date")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def group_title(g: ProfileGroup) -> str:
    return f"{localize(g.title)} – {localize(g.subtitle)}" if g.subtitle else localize(g.title)


def read_profile(form: Mapping[str, str]) -> dict[str, str]:
    return {f.key: (form.get(f.key) or "").strip()[: MAX_LENGTH.get(f.key, 100)]
            for f in FORM_FIELDS}


def profile_errors(profile: Mapping[str, str], today: date) -> dict[str, str]:
    """Field key -> message (its msgid: translated where shown)."""
    errors: dict[str, str] = {}
    for f in FORM_FIELDS:
        if f.required and not profile.get(f.key):
            errors[f.key] = N_("Ce champ est obligatoire.")
    if profile.get("sex") and profile["sex"] not in SEX_LABELS:
        errors["sex"] = N_("Choisissez une réponse proposée dans la liste.")
    birth = profile.get("birth_date")
    if birth and "birth_date" not in errors:
        try:
            if not _DATE.match(birth) or date.fromisoformat(birth) >= today:
                errors["birth_date"] = N_("Entrez une date de naissance passée, au format "
                                          "AAAA-MM-JJ.")
        except ValueError:
            errors["birth_date"] = N_("Entrez une date de naissance passée, au format AAAA-MM-JJ.")
    return errors


def field_view(f: ProfileField, profile: Mapping[str, Any], errors: Mapping[str, str]
               ) -> FieldView:
    value = str(profile.get(f.key) or "")
    kind = {"sex": "select"}.get(f.kind, f.kind)
    choices = ()
    if kind == "select":
        choices = simple_choices(((k, localize(v)) for k, v in SEX_LABELS.items()), value)
    return FieldView(id=f.key, type=kind, label=localize(f.label), required=f.required,
                     error=_(errors[f.key]) if f.key in errors else "", value=value,
                     choices=choices, autocomplete=f.autocomplete,
                     max_length=MAX_LENGTH.get(f.key, 100))


def group_views(profile: Mapping[str, Any], errors: Mapping[str, str]
                ) -> list[tuple[str, list[FieldView]]]:
    """(group title, its field views) for the profile form."""
    out = []
    for g in PROFILE_GROUPS:
        views = [field_view(f, profile, errors) for f in g.fields if f.key not in ACCOUNT_KEYS]
        if views:
            out.append((group_title(g), views))
    return out


def items(profile: Mapping[str, Any], keys: tuple[str, ...]) -> list[tuple[str, str]]:
    """(label, value) of some profile fields, in the order asked."""
    by_key = {f.key: f for g in PROFILE_GROUPS for f in g.fields}
    return [(localize(by_key[k].label), display(by_key[k], dict(profile), current_lang()))
            for k in keys]


def summary(profile: Mapping[str, Any], email: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(group title, [(label, value)]) for read-only display (profile page, wizard)."""
    shown = {**profile, "email": email}
    return [(group_title(g), [(localize(f.label), display(f, shown, current_lang()))
                              for f in g.fields])
            for g in PROFILE_GROUPS]


def full_name(profile: Mapping[str, str]) -> str:
    """"Given names Family names" of a profile, for page headers."""
    return " ".join(p for p in (profile.get("given_names"), profile.get("family_names")) if p)
