"""A designer's `email` question takes one address (email-validator's rules: a domain
with a dot, no list), stored normalised; a list or a dotless domain is refused with the
field's email message, in French and English."""

from __future__ import annotations

import pytest

from engine import clean, validate
from engine.email_address import looks_like_a_list, normalized_email

from .conftest import compile_sections

SECTIONS = """\
- id: s
  title: {fr: S, en: S}
  fields:
    - id: courriel
      type: email
      label: {fr: Courriel, en: Email}
"""


@pytest.mark.parametrize("typed", [
    "root,postmaster,someone@example.org",   # a list: one reset, three recipients
    "a@example.org; b@example.org",
    "a@example.org b@example.org",
    "root@localhost",                         # no dot in the domain
    "someone@example",
    "someone@[127.0.0.1]",
    "someone@site.local",                     # special-use name
    "pas un courriel",
])
def test_email_question__not_one_address__refused_with_the_email_message(typed):
    compiled = compile_sections(SECTIONS)
    (error,) = validate(compiled, {"courriel": typed})
    assert (error.field, error.kind) == ("courriel", "format")
    assert error.message.fr.startswith("Entrez une adresse courriel valide")
    assert error.message.en.startswith("Enter a valid email address")


def test_email_question__one_address__stored_normalised():
    compiled = compile_sections(SECTIONS)
    cleaned = clean(compiled, {"courriel": "  Maria.Valdero@Exemple.ORG "})
    assert cleaned == {"courriel": "Maria.Valdero@exemple.org"}
    assert validate(compiled, cleaned) == []


def test_normalized_email__list_dotless_and_overlong__none():
    assert normalized_email("root,postmaster,someone@example.org") is None
    assert normalized_email("root@localhost") is None
    assert normalized_email("a" * 250 + "@example.org") is None
    assert normalized_email("Maria@Example.Org") == "Maria@example.org"
    assert looks_like_a_list("a@x.org,b@x.org") and looks_like_a_list("a@b@x.org")
    assert not looks_like_a_list("maria@example.org")
