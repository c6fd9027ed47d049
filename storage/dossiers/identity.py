"""Does an account's profile name the same person as a registered dossier?

Agents type names as they hear them; applicants as in their passport. The
comparison ignores case, accents and surrounding or repeated spaces, and
nothing else: "Gunter" matches "GÜNTER " but not "Gunther".
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any


def fold(text: str | None) -> str:
    """Comparable form of a name: no accents, case-folded, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def same_person(given_names: str, family_names: str, sex: str, birth_date: date | None,
                registered: Any) -> bool:
    """True when all four match the identity stored on `registered` (a Dossier): names
    and sex compared by `fold`, the birth date exactly; an empty value never matches.
    Guide: Prénom, Nom, Sexe and Date de naissance, from the profile, must be identical
    to those of the existing dossier."""
    return (
        birth_date is not None
        and registered.birth_date == birth_date
        and fold(sex) == fold(registered.sex) != ""
        and fold(given_names) == fold(registered.given_names) != ""
        and fold(family_names) == fold(registered.family_names) != ""
    )
