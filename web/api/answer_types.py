"""The JSON type an answer must have, read from its section's compiled JSON Schema.

A PUT through the API may hold a mistake a draft keeps (an unknown option, a pattern
not matched: listed in the section's `errors`), but never an answer of another JSON
type than its question stores: what is stored must stay within the section's schema
component of the OpenAPI document as far as types go (a boolean for a yes/no, a number
for a number, an array of strings for checkboxes...). The judge is the compiled schema
of that question (`CompiledDefinition.sections[id].schema["properties"][field]`),
reduced to its shape: `type`, `properties`, `items`, `additionalProperties`,
`prefixItems`, `anyOf`/`oneOf` and `$ref`, an `enum`/`const` read as the JSON types of
its values; every other keyword (pattern, enum values, lengths, bounds, required...) is
a draft's mistake, judged by the engine as on the page. No field type is named here:
a new type is judged by the schema it compiles to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Path = tuple[str | int, ...]  # where in an answer: item indexes, part or question ids

_NESTED = ("properties", "items", "additionalProperties", "prefixItems", "anyOf", "oneOf")


def _json_type(value: Any) -> str:
    """The JSON type of a decoded JSON value ("integer" for a whole number)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "unknown"


def _fits(value: Any, types: Any) -> bool:
    """Whether `value`'s JSON type is one of `types` (a JSON Schema `type`)."""
    wanted = {types} if isinstance(types, str) else set(types)
    kind = _json_type(value)
    return kind in wanted or (kind == "integer" and "number" in wanted)


def shape(schema: Any, root: Mapping[str, Any]) -> Any:
    """`schema` (one property of a compiled section schema, `root` the section's whole
    schema, where `#/$defs/...` points) reduced to its JSON types: a schema of the
    keywords named in the module's docstring only (True: anything)."""
    if not isinstance(schema, dict):
        return True
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for step in ref[2:].split("/"):
            target = target.get(step, {}) if isinstance(target, dict) else {}
        return shape({**target, **{k: v for k, v in schema.items() if k != "$ref"}}, root)
    out: dict[str, Any] = {}
    if "type" in schema:
        out["type"] = schema["type"]
    elif "const" in schema or isinstance(schema.get("enum"), list):
        values = [schema["const"]] if "const" in schema else schema["enum"]
        out["type"] = sorted({_json_type(v) for v in values})
    if isinstance(schema.get("properties"), dict):
        out["properties"] = {k: shape(v, root) for k, v in schema["properties"].items()}
    if "items" in schema:
        out["items"] = shape(schema["items"], root)
    if isinstance(schema.get("prefixItems"), list):
        out["prefixItems"] = [shape(v, root) for v in schema["prefixItems"]]
    if "additionalProperties" in schema:
        extra = schema["additionalProperties"]
        out["additionalProperties"] = extra if isinstance(extra, bool) else shape(extra, root)
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            out["anyOf"] = [shape(v, root) for v in schema[key]]
    return out


def wrong_types(value: Any, judged: Any, path: Path = ()) -> list[Path]:
    """Where `value` (a decoded JSON answer) is not of the JSON type `judged` (a `shape`)
    allows: [] when it is; else the paths inside the answer, outermost first (() for
    the answer as a whole; an object member not allowed is wrong at its own path)."""
    if judged is True or not isinstance(judged, dict):
        return [] if judged is not False else [path]
    if "type" in judged and not _fits(value, judged["type"]):
        return [path]
    if "anyOf" in judged and not any(not wrong_types(value, one) for one in judged["anyOf"]):
        return [path]
    found: list[Path] = []
    if isinstance(value, list):
        prefix = judged.get("prefixItems", [])
        for n, one in enumerate(value):
            rule = prefix[n] if n < len(prefix) else judged.get("items", True)
            found += wrong_types(one, rule, (*path, n))
    elif isinstance(value, dict):
        members = judged.get("properties", {})
        for key, one in value.items():
            rule = members.get(key, judged.get("additionalProperties", True))
            found += wrong_types(one, rule, (*path, str(key)))
    return found
