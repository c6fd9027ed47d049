"""An example field type registered only by tests: `colour`, a "#RRGGBB" colour.

It proves that a new type needs nothing outside its own module (docs/architecture.md,
"Adding a field type"): its property `palette` (the colours offered, "#RRGGBB" each), its
check (each palette entry is a colour), its schema, its normalising (lower case), its
display (upper case) and its macro (the generic `text` one, as a plain text input).
`register_colour()` adds it; the tests' fixture removes it afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from engine.errors import DesignerError, ErrorCode, error
from engine.fieldtypes import FieldType, register
from engine.model import Definition, Field, Text

COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


class ColourType(FieldType):
    """`colour`: "#RRGGBB", stored in lower case, shown in upper case; `palette` (optional)
    lists the only colours accepted."""

    name = "colour"
    macro = "text"  # the generic one-input macro: no template of its own
    input_type = "text"
    default_max_length = 7
    properties = {"palette": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                  "autocomplete": {"$ref": "#/$defs/autocomplete"}}
    messages = {"format": Text("Entrez une couleur au format #RRVVBB.",
                               "Enter a colour as #RRGGBB.")}

    def check(self, f: Field, d: Definition) -> Iterator[DesignerError]:
        """FIELD_TYPE for a palette entry that is not a #RRGGBB colour."""
        for entry in f.extra.get("palette", ()):
            if not COLOUR.fullmatch(str(entry)):
                yield error(ErrorCode.FIELD_TYPE, d.path, f.line, field=f.id, type=self.name,
                            problem=f"the palette entry {entry!r} is not a #RRGGBB colour")

    def schema(self, f: Field) -> dict[str, Any]:
        """A lower-case "#rrggbb", one of the palette's when there is one."""
        schema: dict[str, Any] = {"type": "string", "pattern": "^#[0-9a-f]{6}$"}
        if "palette" in f.extra:
            schema["enum"] = [str(c).lower() for c in f.extra["palette"]]
        return schema

    def normalize(self, f: Field, value: Any) -> Any:
        """Stripped and lower-cased ("#FFAA00 " -> "#ffaa00")."""
        value = super().normalize(f, value)
        return value.lower() if isinstance(value, str) else value

    def display(self, f: Field, value: Any, lang: str) -> tuple[str, ...]:
        """Upper case, in both languages ("#FFAA00")."""
        return (str(value).upper(),) if value is not None else ()


def register_colour() -> ColourType:
    """Register the example type (tests only); undo with `unregister("colour")`."""
    return register(ColourType())
