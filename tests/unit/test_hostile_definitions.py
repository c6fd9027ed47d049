"""Whatever a designer's file holds, the checker answers with designer errors, never an
exception: random edits of real definitions (lines removed, repeated, swapped,
re-indented, values replaced by random or YAML-special scalars) given to
`engine.convert_text` always give a Result (issue 16: "a broken definition never takes
the portal down"; this widens test_checker_explains' "removing any line")."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import convert_text
from engine.pipeline import definition_paths

DEFINITIONS = Path(__file__).parent.parent / "definitions"
SOURCES = {p.name: p.read_text(encoding="utf-8")
           for p in [*definition_paths(), *definition_paths([DEFINITIONS])]}

SCALARS = st.one_of(
    st.sampled_from([
        "on", "off", "yes", "~", "null", "[]", "{}", "[", "{", "]", "}", "-", "- x", "? x",
        "'", '"', "&a", "*a", "&a x", "*nowhere", "!!binary aGVsbG8=", "!!python/object x",
        "!!str 1", "!!int x", "!!float x", "!!set {a, b}", "!!omap [a: 1]", "0x1F", "0o17",
        "1e400", "-1e400", ".nan", ".inf", "2027-02-30", "2027-01-01", "12:30:00", "1_000",
        "|", ">", "|-\n  x", "<<: *a", "{<<: {a: 1}}", "x: y: z", "{fr: x}", "{fr: x, en: y}",
        "{fr: '{nom}', en: '{}'}", "'^\\d{9}$'", '"^\\d{9}$"', "'(('", "\\", "#", "%YAML 1.2",
        "---", "...", "\t", "\ufeff", "\x00", "\x85", "a\u2028b", "[*a, *a]",
        "{when: {x: 1}}", "{all: []}", "{any: [{not: {}}]}", "99999999999999999999999",
        "-0", "true", "True", "[1, [2, [3]]]", "{id: x}", "{type: group, fields: []}",
    ]),
    st.text(max_size=30),
    st.integers(),
    st.from_regex(r"[a-z_]{1,12}", fullmatch=True),
)


# mostly edits that keep the file YAML, so that the later stages get the odd values
EDITS = ["value"] * 8 + ["delete"] * 3 + ["repeat"] * 3 + ["key"] * 2 + [
    "swap", "indent", "insert"]


@st.composite
def edited(draw) -> str:
    """A definition's text with 1 to 3 random edits of its lines."""
    name = draw(st.sampled_from(sorted(SOURCES)))
    lines = SOURCES[name].splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(EDITS))
        line = lines[i]
        if edit == "delete":
            del lines[i]
        elif edit == "repeat":
            lines.insert(i, line)
        elif edit == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif edit == "indent":
            shift = 2 * draw(st.integers(-3, 3))
            stripped = line.lstrip(" ")
            lines[i] = " " * max(0, len(line) - len(stripped) + shift) + stripped
        elif edit == "value" and ":" in line:
            head, value = line.split(":", 1)
            if value.strip() or draw(st.booleans()):  # mostly a scalar for a scalar
                lines[i] = f"{head}: {draw(SCALARS)}\n"
        elif edit == "key" and ":" in line:
            indent = line[:len(line) - len(line.lstrip(" "))]
            lines[i] = f"{indent}{draw(SCALARS)}:{line.split(':', 1)[1]}"
        else:
            lines.insert(i, f"{' ' * draw(st.integers(0, 12))}{draw(SCALARS)}\n")
    return "".join(lines)


KEYS = st.sampled_from(["id", "type", "label", "fr", "en", "when", "all", "any", "not",
                        "options", "value", "fields", "sections", "rules", "messages",
                        "pattern", "min", "max", "min_items", "workflow", "states",
                        "transitions", "to", "from", "version", "migrations", "documents",
                        "required", "today", "-12m", "{nom}"]) | st.text(max_size=8)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    | st.sampled_from(["today", "-12m", "2027-02-30", "^(", "{nom}", "{}", "on", "x.y"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12)


def _places(node, path=()):
    """Every (path to a value) in a loaded definition."""
    yield path
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(
        node, list) else ()
    for key, value in items:
        yield from _places(value, (*path, key))


def _at(data, path):
    for step in path:
        data = data[step]
    return data


@st.composite
def restructured(draw) -> str:
    """A definition loaded, 1 to 3 of its values replaced, removed or repeated, dumped:
    still YAML, so the checks after loading get the odd shapes."""
    data = yaml.safe_load(SOURCES[draw(st.sampled_from(sorted(SOURCES)))])
    for _ in range(draw(st.integers(1, 3))):
        places = [p for p in _places(data) if p]
        path = draw(st.sampled_from(places))
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        key = path[-1]
        change = draw(st.sampled_from(["replace", "swap", "swap", "remove", "repeat", "add"]))
        if change == "replace":
            parent[key] = draw(VALUES)
        elif change == "swap":  # another value of the file: an id, a state, a type...
            scalars = [v for p in places if not isinstance(v := _at(data, p), dict | list)]
            parent[key] = draw(st.sampled_from(scalars or [None]))
        elif change == "remove":
            del parent[key]
        elif change == "repeat" and isinstance(parent, list):
            parent.insert(key, parent[key])
        elif isinstance(parent, dict):
            parent[draw(KEYS)] = draw(VALUES)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=edited() | restructured())
def test_convert_text__random_edits_of_real_definitions__always_a_result(text):
    result = convert_text(text, "x.yaml")
    assert result.ok == (result.compiled is not None)
    assert result.errors == sorted(result.errors, key=lambda e: (e.line, e.message))
    assert all(e.path == "x.yaml" and e.line >= 1 for e in result.errors)


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=400) | SCALARS.map(str))
def test_convert_text__any_text__always_a_result(text):
    result = convert_text(text, "x.yaml")
    assert result.ok == (result.compiled is not None)
    assert result.errors == sorted(result.errors, key=lambda e: (e.line, e.message))
    assert all(e.path == "x.yaml" and e.line >= 1 for e in result.errors)
    assert result.errors or result.compiled is not None


def test_convert_text__explicit_tags__a_yaml_error_at_their_line_not_an_exception():
    """Found by the tests above: `!!int` / `!!float` on a value PyYAML cannot read raised
    ValueError or IndexError; `!!set`, `!!binary`, `!!timestamp`... made values no
    definition holds. Each is now a YAML error at its line."""
    for tagged in ("!!int x", "!!float", "!!int", "!!float ;", "!!set {a, b}",
                   "!!binary aGVsbG8=", "!!timestamp 2027-01-01", "!!omap [a: 1]"):
        errors = convert_text(f"id: x\nversion: {tagged}\n", "x.yaml").errors
        assert [(e.code.name, e.line) for e in errors] == [("YAML_SYNTAX", 2)], tagged


def test_convert_text__numbers_too_big_for_a_date_or_a_column__at_their_line():
    """Found by a designer's trial: `version: 99999999999999999999999` passed the checker
    and the database refused it at publication (OverflowError); `deadline_days:
    999999999` passed and every page of a new dossier answered 500 (date out of range);
    a repeating group's `min: 100000` would draw as many blank items. Each has a
    maximum, told at its line."""
    source = SOURCES["cours-francais.yaml"]
    huge = (source.replace("deadline_days: 30", "deadline_days: 999999999")
            .replace("\nversion: ", "\nversion: 99999999999999999999999\nold_version: "))
    huge = "\n".join(line for line in huge.splitlines() if not line.startswith("old_version"))
    messages = [(e.line, e.message) for e in convert_text(huge, "x.yaml").errors]
    lines = huge.splitlines()
    assert [(lines[n - 1].split(":")[0], m) for n, m in messages] == [
        ("version",
         "`version`: 99999999999999999999999 is greater than the maximum of 2147483647."),
        ("deadline_days", "`deadline_days`: 999999999 is greater than the maximum of 3660."),
    ]
