"""Write the field part of forms/definition.schema.json from the field-type registry.

The checker assembles the field meta-schema from the registry at run time
(`fieldtypes.field_meta_schema`); the shipped file carries the same assembly for the
built-in types, for editors (VS Code's YAML extension) that read it. Run
`.venv/bin/python -m engine.fieldtypes.metaschema` after changing a type's properties;
tests/unit/test_field_types.py fails while the file is out of date.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from . import field_meta_schema

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "forms" / "definition.schema.json"
_FIELD_BLOCK = re.compile(r'^    "field": \{\n.*?^    \},?\n', re.S | re.M)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def format_field(schema: dict[str, Any]) -> str:
    """`schema` as the file writes `$defs.field`: one line per property and per type branch."""
    lines = ['    "field": {']
    items = list(schema.items())
    for i, (key, value) in enumerate(items):
        end = "," if i < len(items) - 1 else ""
        if key == "properties":
            inner = [f'        {_compact(k)}: {_compact(v)}' for k, v in value.items()]
            lines += ['      "properties": {', ",\n".join(inner), f"      }}{end}"]
        elif key == "allOf":
            inner = [f"        {_compact(v)}" for v in value]
            lines += ['      "allOf": [', ",\n".join(inner), f"      ]{end}"]
        else:
            lines.append(f"      {_compact(key)}: {_compact(value)}{end}")
    return "\n".join(lines) + "\n    },\n"


def write(path: Path = SCHEMA_FILE) -> bool:
    """Rewrite the `field` entry of the meta-schema file at `path`; True when it changed."""
    text = path.read_text()
    new = _FIELD_BLOCK.sub(lambda _m: format_field(field_meta_schema()), text, count=1)
    json.loads(new)  # still JSON, or this raises before anything is written
    if new == text:
        return False
    path.write_text(new)
    return True


if __name__ == "__main__":
    print("updated" if write() else "up to date", SCHEMA_FILE)
