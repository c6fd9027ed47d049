"""The `tel` type: a telephone number or part of one, drawn as an input showing a
phone's keypad; its autocomplete token, if any, must be a telephone one."""

from __future__ import annotations

from . import register
from .text import TEXT_PROPERTIES, TextType


class TelType(TextType):
    """`tel`: text of at most 40 characters in a `type="tel"` input."""

    name = "tel"
    macro = "tel"
    input_type = "tel"
    default_max_length = 40
    properties = TEXT_PROPERTIES


register(TelType())
