"""How an applicant's profile is grouped and labelled, wherever it is shown.

The profile belongs to the platform, not to a dossier type: the profile page,
the first step of the submission wizard and the PDF recap all read this one
layout, so a label is written once, in both languages.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.model import Text


@dataclass(frozen=True)
class ProfileField:
    key: str
    label: Text
    autocomplete: str | None = None
    required: bool = False
    kind: str = "text"  # text | date | sex | email


@dataclass(frozen=True)
class ProfileGroup:
    id: str
    title: Text
    fields: tuple[ProfileField, ...]
    subtitle: Text | None = None


def _f(key: str, fr: str, en: str, autocomplete: str | None = None, required: bool = False,
       kind: str = "text") -> ProfileField:
    return ProfileField(key, Text(fr, en), autocomplete, required, kind)


SEX_LABELS = {"F": Text("Féminin", "Female"), "M": Text("Masculin", "Male"),
              "X": Text("Non précisé (X)", "Unspecified (X)")}

PROFILE_GROUPS: tuple[ProfileGroup, ...] = (
    ProfileGroup("identite", Text("Identité", "Identity"), (
        _f("family_names", "Nom(s) de famille inscrit(s) dans le passeport",
           "Family name(s) as in the passport", "family-name", True),
        _f("given_names", "Prénom(s) inscrit(s) dans le passeport",
           "Given name(s) as in the passport", "given-name", True),
        _f("sex", "Sexe", "Sex", "sex", True, "sex"),
        _f("birth_date", "Date de naissance (AAAA-MM-JJ)", "Date of birth (YYYY-MM-DD)",
           "bday", True, "date"),
        _f("birth_city", "Ville de naissance", "City of birth", None, True),
        _f("birth_country", "Pays ou territoire de naissance", "Country or territory of birth",
           None, True),
    )),
    ProfileGroup("coordonnees", Text("Coordonnées", "Contact information"), (
        _f("email", "Adresse courriel", "Email address", "email", True, "email"),
    )),
    ProfileGroup("adresse", Text("Adresse du domicile", "Home address"), (
        _f("address_line1", "Adresse", "Address", "address-line1", True),
        _f("address_line2", "Adresse (ligne 2)", "Address (line 2)", "address-line2"),
        _f("address_line3", "Adresse (ligne 3)", "Address (line 3)", "address-line3"),
        _f("country", "Pays ou territoire", "Country or territory", "country-name", True),
        _f("province", "Province ou État", "Province or state", "address-level1"),
        _f("city", "Ville", "City", "address-level2", True),
        _f("postal_code", "Code postal", "Postal code", "postal-code"),
    )),
    ProfileGroup("telephone_domicile", Text("Téléphone", "Telephone"), (
        _f("phone_home_code", "Indicatif international", "International code", "tel-country-code"),
        _f("phone_home", "Numéro de téléphone", "Telephone number", "tel-national"),
    ), subtitle=Text("Domicile", "Home")),
    ProfileGroup("telephone_cellulaire", Text("Téléphone", "Telephone"), (
        _f("phone_mobile_code", "Indicatif international", "International code"),
        _f("phone_mobile", "Numéro de téléphone", "Telephone number"),
    ), subtitle=Text("Cellulaire", "Mobile")),
    ProfileGroup("telephone_travail", Text("Téléphone", "Telephone"), (
        _f("phone_work_code", "Indicatif international", "International code"),
        _f("phone_work", "Numéro de téléphone", "Telephone number"),
        _f("phone_work_ext", "Numéro de poste", "Extension"),
    ), subtitle=Text("Travail", "Work")),
)

PERSONAL_INFORMATION = Text("Renseignements personnels", "Personal information")


def display(field: ProfileField, profile: dict, lang: str) -> str:
    value = profile.get(field.key) or ""
    if field.kind == "sex" and value in SEX_LABELS:
        return SEX_LABELS[value].get(lang)
    return str(value)
