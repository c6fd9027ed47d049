"""The applicant profile's one schema (engine/profile.yaml), and how a dossier type shows it.

The profile (the guide's Arrima profile) belongs to the platform, not to a dossier
type, yet four layers need its fields: storage (columns, the profile it hands out),
the web forms (lengths, required marks, options, labels), the checker (a dossier
type's `profile:` block may only name real fields) and the recap PDF. They all read
`PROFILE`, loaded once from the YAML file next to this module, so a field is
declared in one place. The engine is the lowest layer that needs the field ids,
hence the file lives here; this module knows nothing of Pony or Flask.

`profile_layout(definition)` resolves a dossier type's `profile:` block (model
`ProfileBlock`) against the schema into what its wizard and PDF show; a type
without a block shows every field under its generic label.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any, Literal

import phonenumbers

from .autofill import autocomplete_mismatch, is_autocomplete
from .errors import DefinitionError, DesignerError, ErrorCode, error
from .load import Located, LocatedList, YamlSyntaxError, load_text
from .model import LANGS, Definition, ProfileBlock, Text
from .places import find_country, like_example, postal_format

Kind = Literal["text", "date", "choice", "email", "tel"]
Source = Literal["profile", "account"]
KINDS: tuple[str, ...] = ("text", "date", "choice", "email", "tel")
SOURCES: tuple[str, ...] = ("profile", "account")
_FIELD_KEYS = frozenset({"key", "kind", "label", "max_length", "required", "autocomplete",
                         "options", "past", "earliest", "format", "along", "source"})
# format -> the kinds it fits, and whether it is read `along` another field
FORMATS: dict[str, tuple[tuple[str, ...], bool]] = {
    "calling_code": (("tel",), False), "phone_number": (("tel",), True),
    "phone_extension": (("tel",), False), "postal_code": (("text",), True)}
E164_DIGITS = 15  # ITU-T E.164: a whole number, calling code included, has at most 15
_PHONE_SHAPE = re.compile(r"^\+?[0-9 .()/\-]+$")
# an international code as typed: "1", "+33", "0049" (the international prefix 00),
# "1 242" / "+1-242" (a country of the North American plan: code 1, then its area code)
_CODE_TYPED = re.compile(r"^(?:\+|00)?([0-9][0-9 \-]{0,6})$")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ProfileOption:
    """One value a `choice` field may hold (e.g. "F") and its label."""

    value: str
    label: Text


@dataclass(frozen=True)
class ProfileField:
    """One field of the applicant profile, as engine/profile.yaml declares it.

    `max_length` is in characters and is also the length of the database column
    (None for dates, stored as dates); `source` "account" marks a value kept on the
    account (the login email): shown with the profile, never changed by its form.
    """

    key: str
    kind: Kind
    label: Text
    line: int
    max_length: int | None = None
    required: bool = False
    autocomplete: str | None = None
    options: tuple[ProfileOption, ...] = ()
    past: bool = False
    earliest: str | None = None
    format: str | None = None
    along: str | None = None
    source: Source = "profile"

    @property
    def values(self) -> tuple[str, ...]:
        """The values a `choice` field accepts, in the schema's order (empty otherwise)."""
        return tuple(o.value for o in self.options)

    def display(self, value: Any, lang: str) -> str:
        """The value as a person reads it: a choice's label, else the value itself ("" if
        empty); an unknown choice value is shown as stored."""
        text = "" if value is None else str(value)
        for option in self.options:
            if option.value == text:
                return option.label.get(lang)
        return text


@dataclass(frozen=True)
class ShownField:
    """A profile field as one page or document shows it, under `label`."""

    field: ProfileField
    label: Text


@dataclass(frozen=True)
class ShownGroup:
    """A group of shown fields. `title` is None when the group continues the heading
    above it (the three telephones under one "Téléphone"); `heading` is then that
    heading, so a page that titles every group still has one."""

    fields: tuple[ShownField, ...]
    heading: Text
    title: Text | None = None
    subtitle: Text | None = None


@dataclass(frozen=True)
class ProfileLayout:
    """The profile as a page or document shows it: a title and ordered groups."""

    title: Text
    groups: tuple[ShownGroup, ...]

    def fields(self) -> tuple[ShownField, ...]:
        """Every shown field, in order."""
        return tuple(f for g in self.groups for f in g.fields)


@dataclass(frozen=True)
class ProfileSchema:
    """engine/profile.yaml, loaded: every field by key (in the file's order), the
    generic layout (every field under its generic label) and the identity fields that
    "Identifier mon dossier" compares, each under the guide's short label there."""

    path: str
    fields: dict[str, ProfileField]
    layout: ProfileLayout
    identity: tuple[ShownField, ...]
    groups: dict[str, tuple[ProfileField, ...]] = field(default_factory=dict)  # by `id`

    def group_ids(self) -> tuple[str, ...]:
        """The `id`s of the groups that have one, in the file's order."""
        return tuple(self.groups)

    def group_fields(self, group_id: str) -> tuple[ProfileField, ...]:
        """The fields of the group of that `id`, in order; () for no such group."""
        return self.groups.get(group_id, ())

    def stored(self) -> tuple[ProfileField, ...]:
        """The fields kept in the profile itself (the Account's profile columns)."""
        return tuple(f for f in self.fields.values() if f.source == "profile")


# --- a profile value's format ---------------------------------------------------


def _is_date(text: str) -> bool:
    if not DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def calling_code_digits(typed: str) -> str | None:
    """The digits of an international code as typed ("+33" -> "33", "0049" -> "49",
    "1 242" -> "1242": a calling code, then an area code of the North American plan),
    None when they do not begin with a country calling code libphonenumber knows or
    are more than 4."""
    found = _CODE_TYPED.match(typed.strip())
    if not found:
        return None
    digits = re.sub(r"[ \-]", "", found[1]).lstrip("0")
    if not 1 <= len(digits) <= 4:
        return None
    known = any(phonenumbers.region_code_for_country_code(int(digits[:n])) != "ZZ"
                for n in range(1, min(3, len(digits)) + 1))
    return digits if known else None


def _phone_fits(value: str, code: str | None) -> bool:
    if not _PHONE_SHAPE.match(value) or "+" in value[1:]:
        return False
    opened, closed = value.count("("), value.count(")")
    if opened != closed or opened > 1 or (opened and value.index("(") > value.index(")")):
        return False
    digits = "".join(c for c in value if c.isdigit())
    if value.startswith("+"):  # the whole international number
        return not digits.startswith("0") and 4 <= len(digits) <= E164_DIGITS
    national = digits.lstrip("0")  # a trunk prefix ("0" in France) is dialled, not numbered
    return len(national) >= 4 and len(code or "") + len(national) <= E164_DIGITS


def _other_code(value: str, code: str | None) -> bool:
    """Whether `value`, written whole with "+", begins with another calling code than
    `code` (the digits of its `along` field: "+33 6 12 34 56 78" with code "1")."""
    if code is None or not value.startswith("+"):
        return False
    return not "".join(c for c in value if c.isdigit()).startswith(code)


def _separator_places(text: str) -> list[int]:
    return [i for i, c in enumerate(text) if _SEPARATORS.fullmatch(c)]


def postal_code_as_stored(country: str, typed: str) -> str | None:
    """A postal code of `country` (ISO alpha-2 code) as it is kept, None when it is none
    of that country's (Google's address data, engine.places; a country with no known
    format takes any text, kept as typed).

    Typed with its separators where they belong ("H2X 2S5", "114 55", "BFPO 1234"):
    kept as typed, in capitals. Without separators, or with others at the same places
    ("h2x2s5", "H2X-2S5"): written as the post writes it ("H2X 2S5"). With the
    country's prefix the post allows ("LT-01100", "SE-114 55", "〒100-0001"): without
    it, unless the country's own format has it ("LV-1050"; "1050" gets it). The right
    characters with separators elsewhere ("Dublin 2"): kept as typed, in capitals.
    Zeros only ("00000", "000 000"): None (`PostalFormat.matches`).
    """
    fmt = postal_format(country)
    upper = " ".join(typed.split()).upper()
    if fmt.pattern is None:
        return typed
    bare = re.sub(rf"^(〒\s*|{country}[\s\-]?)", "", upper)
    bases = list(dict.fromkeys([upper, bare, f"{country}-{bare}"]))
    for base in bases:
        compact = _SEPARATORS.sub("", base)
        if fmt.matches(base) and compact != base:
            return base
        for example in fmt.examples:
            shaped = like_example(compact, example)
            if shaped and fmt.matches(shaped) and (
                    compact == base or _separator_places(base) == _separator_places(example)):
                return shaped
        if fmt.matches(base):
            return base
    for base in bases:
        if fmt.matches(_SEPARATORS.sub("", base)):
            return base
    return None


def format_error(f: ProfileField, value: str, profile: Mapping[str, str]) -> str | None:
    """The rule a non-empty `value` of `f` breaks by its `format` or `earliest`, None
    when it breaks none. `profile` holds the field it is read `along` (typed, cleaned).

    Rules (the field's `format`): "calling_code": a country calling code
    libphonenumber knows, as typed ("1", "+33", "0049", "1 242": `calling_code_digits`);
    "phone_number": digits, spaces, dots, slashes, hyphens and one pair of parentheses,
    "+" first, with at most 15 digits with the international code of its `along`
    field (ITU-T E.164; a leading trunk "0" not counted) and at least 4 besides leading
    zeros; any country's plan is accepted, so a number is checked by its shape only;
    "phone_code": a number written whole with "+" whose code is not its `along` field's;
    "phone_extension": 1 to 10 digits; "postal_code": one of the country's postal codes
    (`postal_code_as_stored`) when the `along` field names a country engine.places
    knows, anything otherwise. "earliest": a date before the field's `earliest` day.
    """
    if f.earliest is not None and f.kind == "date" and _is_date(value) and value < f.earliest:
        return "earliest"
    if f.format == "calling_code":
        return None if calling_code_digits(value) else "calling_code"
    if f.format == "phone_number":
        code = calling_code_digits(profile.get(f.along or "", "") or "")
        if not _phone_fits(value, code):
            return "phone_number"
        return "phone_code" if _other_code(value, code) else None
    if f.format == "phone_extension":
        return None if value.isascii() and value.isdigit() and len(value) <= 10 \
            else "phone_extension"
    if f.format == "postal_code":
        country = find_country(profile.get(f.along or "", "") or "")
        if country is None:
            return None
        return None if postal_code_as_stored(country, value) is not None else "postal_code"
    return None


def normalized(profile: Mapping[str, str], schema: ProfileSchema | None = None
               ) -> dict[str, str]:
    """`profile` with each postal code kept as `postal_code_as_stored` says ("h2x2s5"
    with country "Canada": "H2X 2S5"), when it is one of its country's; every other
    value as given."""
    out = dict(profile)
    for f in (schema or PROFILE).fields.values():
        value = out.get(f.key)
        if f.format == "postal_code" and value:
            country = find_country(out.get(f.along or "", "") or "")
            stored = postal_code_as_stored(country, value) if country is not None else None
            if stored is not None:
                out[f.key] = stored
    return out


# --- reading engine/profile.yaml ----------------------------------------------


def _text(node: Any, line: int) -> Text:
    return Text(node.get("fr", ""), node.get("en", ""), getattr(node, "line", line))


def _line(parent: Any, key: str | int, default: int) -> int:
    if isinstance(parent, Located) and isinstance(key, str):
        return parent.line_of(key)
    if isinstance(parent, LocatedList) and isinstance(key, int):
        return parent.line_of(key)
    return default


class _Checker:
    """Collects every mistake of a profile schema file, each at its line."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.errors: list[DesignerError] = []
        self.alongs: list[tuple[Any, int, str]] = []  # (key named, line, where)

    def report(self, line: int, where: str, problem: str) -> None:
        self.errors.append(error(ErrorCode.PROFILE_SCHEMA, self.path, line, where=where,
                                 problem=problem))

    def text(self, node: Any, line: int, where: str) -> None:
        if not isinstance(node, dict) or set(node) - set(LANGS):
            self.report(line, where, "must be a text {fr: ..., en: ...}")
            return
        for lang in LANGS:
            if not isinstance(node.get(lang), str) or not node[lang].strip():
                self.report(getattr(node, "line", line), where, f"has no '{lang}' text")

    def listing(self, node: Any, line: int, where: str) -> bool:
        if not isinstance(node, list) or not node:
            self.report(line, where, "must be a non-empty list")
            return False
        return True

    def options(self, node: Any, f: Any, line: int, where: str) -> None:
        if not self.listing(node, line, where):
            return
        seen: set[str] = set()
        for i, option in enumerate(node):
            at, place = _line(node, i, line), f"{where}[{i}]"
            if not isinstance(option, dict) or set(option) != {"value", "label"}:
                self.report(at, place, "must be {value: ..., label: {fr: ..., en: ...}}")
                continue
            value = option["value"]
            if not isinstance(value, str) or not value or value in seen:
                self.report(at, place, f"the value {value!r} must be a new, non-empty string")
            elif isinstance(f.get("max_length"), int) and len(value) > f["max_length"]:
                self.report(at, place, f"the value {value!r} is longer than max_length")
            seen.add(str(value))
            self.text(option["label"], at, f"{place}.label")

    def autocomplete(self, value: Any, kind: Any, line: int, where: str) -> None:
        if not isinstance(value, str) or not is_autocomplete(value):
            self.report(line, where, f"autocomplete {value!r} is not an HTML autofill value "
                        "(e.g. 'given-name', 'bday', 'mobile tel-national')")
            return
        says = autocomplete_mismatch(str(kind), value)
        if says:
            self.report(line, where, f"the autocomplete {value!r} {says}: a telephone token "
                        "goes with kind tel, and kind tel with a telephone token")

    def field(self, f: Any, line: int, where: str, seen: set[str]) -> None:
        if not isinstance(f, dict):
            self.report(line, where, "must be a mapping with key, kind, label...")
            return
        for extra in sorted(set(f) - _FIELD_KEYS):
            self.report(_line(f, extra, line), where, f"unknown attribute '{extra}'")
        key, kind = f.get("key"), f.get("kind")
        if not isinstance(key, str) or not _KEY.match(key):
            self.report(line, where, "needs a key of lower-case letters, digits and _")
        elif key in seen:
            self.report(line, where, f"the key '{key}' is already declared")
        seen.add(str(key))
        if kind not in KINDS:
            self.report(_line(f, "kind", line), where, f"kind must be one of {', '.join(KINDS)}")
        self.text(f.get("label"), _line(f, "label", line), f"{where}.label")
        length = f.get("max_length")
        if kind == "date" and length is not None:
            self.report(_line(f, "max_length", line), where, "a date has no max_length")
        elif kind != "date" and (not isinstance(length, int) or isinstance(length, bool)
                                 or length < 1):
            self.report(_line(f, "max_length", line), where, "needs a max_length of at least 1")
        for flag in ("required", "past"):
            if flag in f and not isinstance(f[flag], bool):
                self.report(_line(f, flag, line), where, f"{flag} must be true or false")
        if "past" in f and kind != "date":
            self.report(_line(f, "past", line), where, "only a date can be past")
        if "earliest" in f and (kind != "date" or not isinstance(f["earliest"], str)
                                or not _is_date(f["earliest"])):
            self.report(_line(f, "earliest", line), where,
                        "earliest is a date's first accepted day, YYYY-MM-DD")
        self.format(f, kind, line, where)
        if f.get("source", "profile") not in SOURCES:
            self.report(_line(f, "source", line), where, f"source must be one of "
                        f"{', '.join(SOURCES)}")
        if "autocomplete" in f:
            self.autocomplete(f["autocomplete"], kind, _line(f, "autocomplete", line), where)
        if kind == "choice":
            self.options(f.get("options"), f, _line(f, "options", line), f"{where}.options")
        elif "options" in f:
            self.report(_line(f, "options", line), where, "only a choice has options")

    def format(self, f: Any, kind: Any, line: int, where: str) -> None:
        fmt = f.get("format")
        if fmt is None:
            if "along" in f:
                self.report(_line(f, "along", line), where, "along goes with a format")
            return
        at = _line(f, "format", line)
        if fmt not in FORMATS:
            self.report(at, where, f"format must be one of {', '.join(FORMATS)}")
            return
        kinds, along = FORMATS[fmt]
        if kind not in kinds:
            self.report(at, where, f"the format {fmt} goes with kind {' or '.join(kinds)}")
        if along and not isinstance(f.get("along"), str):
            self.report(at, where, f"the format {fmt} needs `along`: the key of the field "
                        "it is read with (the calling code; the country)")
        elif not along and "along" in f:
            self.report(_line(f, "along", line), where, f"the format {fmt} takes no along")
        elif along:
            self.alongs.append((f["along"], _line(f, "along", line), where))

    def groups(self, node: Any, line: int) -> set[str]:
        seen: set[str] = set()
        if not self.listing(node, line, "groups"):
            return seen
        for i, group in enumerate(node):
            at, where = _line(node, i, line), f"groups[{i}]"
            if not isinstance(group, dict) or set(group) - {"id", "title", "subtitle", "fields"}:
                self.report(at, where, "must be a mapping of id, title, subtitle and fields")
                continue
            if "id" in group and (not isinstance(group["id"], str)
                                  or not _KEY.match(group["id"])):
                self.report(_line(group, "id", at), where, "the id must be lower-case letters, "
                            "digits and _")
            if i == 0 and "title" not in group:
                self.report(at, where, "the first group needs a title")
            for part in ("title", "subtitle"):
                if part in group:
                    self.text(group[part], _line(group, part, at), f"{where}.{part}")
            fields = group.get("fields")
            if self.listing(fields, _line(group, "fields", at), f"{where}.fields"):
                for j, f in enumerate(fields):
                    self.field(f, _line(fields, j, at), f"{where}.fields[{j}]", seen)
        return seen

    def schema(self, data: Any) -> None:
        if not isinstance(data, dict):
            self.report(getattr(data, "line", 1), "profile", "must be a mapping of title, "
                        "identity and groups")
            return
        for extra in sorted(set(data) - {"title", "identity", "groups"}):
            self.report(_line(data, extra, 1), "profile", f"unknown attribute '{extra}'")
        self.text(data.get("title"), _line(data, "title", 1), "title")
        keys = self.groups(data.get("groups"), _line(data, "groups", 1))
        for key, line, where in self.alongs:
            if key not in keys:
                self.report(line, where, f"along: '{key}' is not a declared field")
        identity = data.get("identity")
        at = _line(data, "identity", 1)
        if self.listing(identity, at, "identity"):
            for i, entry in enumerate(identity):
                where, line = f"identity[{i}]", _line(identity, i, at)
                if not isinstance(entry, dict) or len(entry) != 1:
                    self.report(line, where, "must be {field: {fr: ..., en: ...}}")
                    continue
                ((key, label),) = entry.items()
                if key not in keys:
                    self.report(line, where, f"'{key}' is not a declared field")
                self.text(label, line, where)


def _field(node: Any, line: int) -> ProfileField:
    return ProfileField(
        key=node["key"],
        kind=node["kind"],
        label=_text(node["label"], line),
        line=line,
        max_length=node.get("max_length"),
        required=node.get("required", False),
        autocomplete=node.get("autocomplete"),
        options=tuple(ProfileOption(o["value"], _text(o["label"], line))
                      for o in node.get("options", ())),
        past=node.get("past", False),
        earliest=node.get("earliest"),
        format=node.get("format"),
        along=node.get("along"),
        source=node.get("source", "profile"),
    )


def _layout(title: Text, groups: list[tuple[Text | None, Text | None, tuple[ShownField, ...]]]
            ) -> ProfileLayout:
    """Groups with the heading each inherits when it has no title of its own."""
    shown, heading = [], title
    for group_title, subtitle, fields in groups:
        heading = group_title or heading
        shown.append(ShownGroup(fields, heading, group_title, subtitle))
    return ProfileLayout(title, tuple(shown))


def load_schema_text(text: str, path: str = "<profile>") -> ProfileSchema:
    """A profile schema from YAML text, or DefinitionError listing every mistake with
    its line (the file's header describes what each field takes)."""
    try:
        data = load_text(text, path)
    except YamlSyntaxError as exc:
        raise DefinitionError([error(ErrorCode.YAML_SYNTAX, path, exc.line,
                                     problem=exc.problem)]) from None
    checker = _Checker(path)
    checker.schema(data)
    if checker.errors:
        raise DefinitionError(checker.errors)
    fields: dict[str, ProfileField] = {}
    groups = []
    by_id: dict[str, tuple[ProfileField, ...]] = {}
    for group in data["groups"]:
        built = tuple(_field(f, data_line) for f, data_line in
                      zip(group["fields"], group["fields"].item_lines, strict=True))
        fields.update((f.key, f) for f in built)
        if "id" in group:
            by_id[group["id"]] = built
        groups.append((_text(group["title"], group.line) if "title" in group else None,
                       _text(group["subtitle"], group.line) if "subtitle" in group else None,
                       tuple(ShownField(f, f.label) for f in built)))
    title = _text(data["title"], data.line)
    identity = tuple(ShownField(fields[key], _text(label, data.line))
                     for entry in data["identity"] for key, label in entry.items())
    return ProfileSchema(path, fields, _layout(title, groups), identity, by_id)


def load_schema() -> ProfileSchema:
    """engine/profile.yaml, as installed with the package."""
    source = resources.files("engine").joinpath("profile.yaml")
    return load_schema_text(source.read_text(encoding="utf-8"), "engine/profile.yaml")


PROFILE: ProfileSchema = load_schema()


# --- a dossier type's profile block --------------------------------------------


def block_layout(block: ProfileBlock | None, schema: ProfileSchema = PROFILE) -> ProfileLayout:
    """What a `profile:` block shows, its bare ids under the schema's generic labels;
    no block: the schema's own layout. Every key must be in the schema (the checker's
    `check_profile` says so, with file:line, before a definition is used)."""
    if block is None:
        return schema.layout
    groups = [(g.title, g.subtitle,
               tuple(ShownField(schema.fields[e.key], e.label or schema.fields[e.key].label)
                     for e in g.entries))
              for g in block.groups]
    return _layout(block.title or schema.layout.title, groups)


def profile_layout(definition: Definition) -> ProfileLayout:
    """The profile block of a checked dossier type's wizard step 1 and recap PDF."""
    return block_layout(definition.profile)


def unknown_keys(block: ProfileBlock, schema: ProfileSchema = PROFILE
                 ) -> Iterator[tuple[str, int]]:
    """(key, line) of every entry of `block` that names no field of the schema."""
    for group in block.groups:
        for entry in group.entries:
            if entry.key not in schema.fields:
                yield entry.key, entry.line

