"""Email addresses: one address, checked and normalised the same way wherever it is typed.

An email field takes one address, never a list ("root,postmaster,a@example.org"
would send a password reset to three people). The checking is the
email-validator library's (RFC 5321/5322 syntax, internationalised addresses),
with its domain rules: a domain with a dot, no special-use name (.local, .test,
...), no bracketed IP address, no quoted local part. Deliverability is never
checked (no DNS query while a person waits). The accounts pages and the engine's
`email` question type both come here.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

MAX_LENGTH = 254  # RFC 5321's limit of a path, the longest address a server takes

# what separates addresses in a typed list: a comma, a semicolon, a space, a second "@"
_LIST_SIGNS = (",", ";", " ")


def normalized_email(text: str) -> str | None:
    """`text` (already stripped) as one normalised address, or None when it is not one.

    Normalised: the domain lower-cased and IDNA-normalised, the whole in Unicode NFC
    ("Maria@Example.ORG" -> "Maria@example.org"; the part before the @ keeps its
    case, the account lookup folds it). None for a list, a missing or dotless domain,
    anything over 254 characters.
    """
    if not text or len(text) > MAX_LENGTH:
        return None
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return None
    return result.normalized if len(result.normalized) <= MAX_LENGTH else None


def is_email_address(text: str) -> bool:
    """True when `text` is exactly one valid address (`normalized_email` says so)."""
    return normalized_email(text) is not None


def looks_like_a_list(text: str) -> bool:
    """True when `text` seems to hold several addresses (two "@", or a comma, a
    semicolon or a space between parts): the message then asks for only one."""
    stripped = text.strip()
    return stripped.count("@") > 1 or any(sign in stripped for sign in _LIST_SIGNS)
