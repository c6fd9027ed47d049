"""The field-type registry: the engine's extension point for the kinds of question.

Everything the engine, the web pages and the PDF know about one `type:` of field
(its YAML properties, its checks, its JSON Schema, reading it from a form, normalising,
displaying, which macro draws it) lives on one `FieldType` object, registered here by
name. The pipeline asks `field_type(f.type)` instead of branching on type names, so a
new type is one module that subclasses `FieldType` and calls `register` (see
docs/architecture.md, "Adding a field type").

Answers, throughout: any JSON value (str, bool, number, list, dict) as stored after
`normalize`; None is "no answer".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from ..answer_keyword import ANSWER_KEYWORD, AnswerKeyword
from ..compare import KEYWORD_MESSAGES, KEYWORDS
from ..model import FIELD_TYPES, Option, Text
from ..typed_text import normalize_text

if TYPE_CHECKING:
    from ..errors import DesignerError
    from ..model import Definition, Field

# What a condition compares an answer of the type with: a bool (yesno), one option
# value (select, radio), a list of option values (checkboxes, grid: `contains`), a
# text, a date (YYYY-MM-DD); composite types to come use "dict".
ValueKind = Literal["bool", "option", "list", "text", "date", "number", "dict"]
GetList = Callable[[str], list[str]]

# YAML keys every field accepts, whatever its type (JSON Schema of each)
COMMON_PROPERTIES: dict[str, dict[str, Any]] = {
    "id": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
    "type": {"type": "string"},
    "label": {"$ref": "#/$defs/text"},
    "help": {"$ref": "#/$defs/text"},
    "required": {"type": "boolean"},
    "when": {"$ref": "#/$defs/condition"},
    "mask": {"type": "boolean"},
    "messages": {"$ref": "#/$defs/messages_by_rule"},
}


@dataclass(frozen=True)
class Part:
    """One input of a composite answer (an address's city...), as engine data for a page
    in one language: `name` is its key in the answer dict and its form name's suffix
    (`<field>.<name>`); `label` (both languages) and `autocomplete` (an HTML token) for
    its input; `value` as the input holds it; `choices` (value, label in the page's
    language) make it a drop-down list (None: a text input); `required` marks it;
    `refreshes`: changing it redraws the question (a country changes the regions)."""

    name: str
    label: Text
    value: str = ""
    required: bool = False
    autocomplete: str | None = None
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] | None = None
    refreshes: bool = False


@dataclass(frozen=True)
class UploadRules:
    """What one question's uploads may be (a type with `multipart`): `accept` the MIME
    types ("application/pdf", "image/*"), `max_bytes` per file (bytes), `max_files` the
    files its answer may name."""

    accept: tuple[str, ...]
    max_bytes: int
    max_files: int


@dataclass(frozen=True)
class ChoiceItem:
    """One choice a question offers, as engine data: the value posted, its label in both
    languages (None: show the value) and whether the current answer holds it. The web
    layer localises the label (web/forms/fields.py)."""

    value: str
    label: Text | None
    checked: bool = False


class FieldType:
    """One `type:` of question. Subclass it, set the class attributes, override the
    methods that differ, and `register` an instance.

    Class attributes:
      name: the YAML `type` value ("text", "date"...).
      properties: the YAML keys this type accepts beyond COMMON_PROPERTIES, each with
        its JSON Schema (a fragment of forms/definition.schema.json). Any other key on a
        field of this type is a `guichet check` error PROPERTY_NOT_FOR_TYPE. A key that
        is not an attribute of `model.Field` is kept in `Field.extra`.
      macro: the name of the Jinja macro drawing it (templates/macros/fields.html; an
        unknown macro name falls back to `text`).
      input_type: the HTML input type the `text` macro gives it ("text", "date"...).
      is_list: the answer is a list of option values (checkboxes, grid).
      fieldset: drawn as a group of inputs in a fieldset with a legend.
      default_max_length: characters when the field sets no max_length (None: no limit).
      value_kind: what conditions compare its answer with (see ValueKind).
      operators: the condition operators that may test it ("eq", "in", "contains",
        "answered"...; "answered" applies to every type).
      messages: rule -> default message (FR/EN) of this type, over the engine's generic
        ones (`validate.DEFAULT_MESSAGES`): e.g. "format" for a date.
      required_rule: the message key said when a required answer is missing ("required";
        a repeating group: "min_items", its "at least n items" message).
      keeps_answers_of: the types whose every answer is a valid answer of this one
        (a radio takes a select's): a field changed from one of them to this type
        changes only its input, for the version differ (engine.diff).
      default_autocomplete: the HTML autofill token of its input when the field gives
        none (a postal code's "postal-code").
      display_lines: the recap and PDF show its `display` parts one per line (an
        address's postal block), not as a list.
      placeholder_names: the `{name}` placeholders its messages take beyond the generic
        ones (engine.placeholders.FIELD_MESSAGE): the names `message_values` (and the
        `more` values of its own `validate.message_for` calls) may fill; the checker
        refuses any other name in a field's messages (docs/placeholders.md).
      multipart: its input posts files: a section holding it is sent as
        multipart/form-data, its files are kept by storage (`upload_rules`), and its
        answer names them (`file_refs`, `answer_with_files`).
      upload_message_keys: the `messages:` keys said only when storage refuses an
        upload (`upload_message`), never by validation (a per-form test cannot give them).

    Types to come fit the same interface: a composite (address) reads several form
    names in `parse` (`name + ".line1"`...) and answers a dict; a file answers a list of
    file references; a repeating group answers a list of dicts and lists its nested
    fields in `children` (their `parse` is then called with a prefixed name).
    """

    name: ClassVar[str] = ""
    properties: ClassVar[Mapping[str, dict[str, Any]]] = {}
    macro: ClassVar[str] = "text"
    input_type: ClassVar[str] = "text"
    is_list: ClassVar[bool] = False
    fieldset: ClassVar[bool] = False
    default_max_length: ClassVar[int | None] = None
    value_kind: ClassVar[ValueKind] = "text"
    operators: ClassVar[frozenset[str]] = frozenset({"eq", "in", "answered"})
    messages: ClassVar[Mapping[str, Text]] = {}
    keeps_answers_of: ClassVar[frozenset[str]] = frozenset()
    default_autocomplete: ClassVar[str | None] = None
    display_lines: ClassVar[bool] = False
    multipart: ClassVar[bool] = False
    required_rule: ClassVar[str] = "required"
    upload_message_keys: ClassVar[frozenset[str]] = frozenset()
    placeholder_names: ClassVar[frozenset[str]] = frozenset()

    # --- generic hooks of the newer types (each has a default that changes nothing) --

    def example(self) -> dict[str, Any]:
        """The YAML keys (beyond id, type, label) of a typical field of this type, as
        plain values: what a test or a doc needs to write one (a select's `options`).
        Default: none needed."""
        return {}

    def example_posts(self, f: Field, name: str) -> tuple[dict[str, list[str]], ...]:
        """Form posts (form name -> values) that give `f` a valid answer, under the form
        name `name`; tests/unit/test_any_type_hypothesis.py posts them through the whole
        pipeline. Default: its `examples` as a form posts them (`form_values`), else one
        word typed in the one input."""
        posts = tuple(self.form_values(f, value, name) for value in self.examples(f))
        return posts or ({name: ["Exemple"]},)

    def form_names(self, f: Field, name: str) -> tuple[str, ...]:
        """Every form name the type's inputs post under, for the field named `name`
        (a phone with an extension: name and name + ".ext"). Default: (name,)."""
        return (name,)

    def input_texts(self, f: Field, value: Any, lang: str, name: str) -> dict[str, str] | None:
        """What each of the type's inputs shows for `value` (stored, or as posted) in
        `lang`, by form name; None (the default): the one input shows the value as is
        ("true"/"false" for a bool)."""
        return None

    def input_mode(self, f: Field) -> str | None:
        """The HTML `inputmode` of its input (the keyboard a phone shows: "numeric",
        "decimal"...); None (the default): the input type's own."""
        return None

    def view(self, f: Field, lang: str) -> dict[str, str]:
        """Texts the type's own macro shows besides the label and help, in `lang` (a
        phone's extension box label); default none."""
        return {}

    def clauses(self, f: Field) -> tuple[tuple[str, dict[str, Any]], ...]:
        """Schemas the object holding the answer (the section's answers, or a group
        item's) must satisfy beyond the answer's own schema, each with the message key of
        its error: (("min", schema), ...). For checks reading other answers or today (a
        date's bounds), judged each time answers are validated. Default: none."""
        return ()

    def message_values(self, f: Field, answers: Mapping[str, Any] | None = None
                       ) -> Mapping[str, Any]:
        """Values for the `{name}` placeholders of this type's messages beyond the generic
        ones (`validate.message_for`), each a str, an int or a `Text` per language, for
        `answers` (the cleaned answers being judged; None: none): a postal code's
        {"example": "H2X 2S5"}, a date's bounds, a number's minimum. Default: none."""
        return {}

    def resave(self, f: Field, stored: Any, posted: Any) -> Any:
        """The answer a save keeps when `posted` (as parsed) replaces `stored` (as
        stored): default `posted`; a declaration ticked again keeps the moment it was
        first ticked."""
        return posted

    # --- the definition ---------------------------------------------------------

    def children(self, f: Field) -> tuple[Field, ...]:
        """The fields nested in `f` (a repeating group's), in order; () for a plain question.

        A type with children answers a list of items, each a dict child id -> answer:
        the engine cleans, validates (per item, in the item's scope: `validate.item_scope`)
        and recaps each item's children; pages draw each item as a fieldset whose
        legend is `item_label`, with the children's form names `<name>-<index>-<id>`."""
        return ()

    def item_label(self, f: Field, n: int) -> Text:
        """The legend of item number `n` (1-based) of a type with `children`."""
        return Text(str(n), str(n))

    def add_label(self, f: Field) -> Text:
        """The text of the button adding an item to a type with `children`."""
        return Text("Ajouter", "Add another")

    def option_lists(self, f: Field) -> tuple[tuple[str, tuple[Option, ...]], ...]:
        """The designer's option lists of `f`, as (YAML key, options): ("options", ...),
        or ("rows", ...) and ("columns", ...) for a grid; () when it has none. The
        checker requires each to be non-empty and every option labelled."""
        return ()

    def check(self, f: Field, d: Definition) -> Iterable[DesignerError]:
        """Meaning checks of one field of this type (the meta-schema already checked its
        shape): each mistake a DesignerError with d.path and a line. Default: none."""
        return ()

    def autocomplete_mismatch(self, autocomplete: str) -> str | None:
        """Why an autocomplete token does not suit this type (a sentence ending "...
        telephone number"), None when it does. Default: a telephone token belongs on a
        telephone input only."""
        from ..autofill import autocomplete_mismatch

        return autocomplete_mismatch(self.input_type, autocomplete)

    # --- answers ----------------------------------------------------------------

    def schema(self, f: Field) -> dict[str, Any]:
        """The JSON Schema (draft 2020-12) of one stored answer. Default: a string of
        min_length to `max_length(f)` characters matching `f.pattern`."""
        schema: dict[str, Any] = {"type": "string"}
        if f.min_length:
            schema["minLength"] = f.min_length
        schema["maxLength"] = self.max_length(f) or 200
        if f.pattern:
            schema["pattern"] = f.pattern
        return schema

    def schema_defs(self) -> Mapping[str, dict[str, Any]]:
        """Schemas its `schema` refers to as {"$ref": "#/$defs/<name>"} (the address's
        country list), name -> JSON Schema: the compiler puts each once in the `$defs` of
        every section and dossier schema holding a question of the type, so a list of
        hundreds of values is compiled once per schema, not once per question. A name
        means one schema whichever type gives it. Default: none."""
        return {}

    def answer_errors(self, value: Any) -> tuple[tuple[str | None, str], ...]:
        """The mistakes in a stored answer (any JSON value) that its JSON Schema leaves to
        Python, each (part or None for the answer as a whole, kind: "required",
        "option", "pattern"...), in the order told; () when there is none or the value
        is of a shape the schema refuses. Called while validating only for a type whose
        `schema` holds {ANSWER_KEYWORD: its name} (engine/answer_keyword.py): checks
        that would take one schema branch per country (the address's region and postal
        code) cost one dict look-up here. Default: none."""
        return ()

    def max_length(self, f: Field) -> int | None:
        """The most characters an answer may hold: `f.max_length`, else the type's default."""
        return f.max_length or self.default_max_length

    def parse(self, f: Field, getlist: GetList, name: str) -> Any:
        """The answer posted in a form, before normalising; None when unanswered.

        getlist: as werkzeug's MultiDict.getlist (every value posted under a name, str);
        name: the form name of the field (its id, or a prefixed one inside a group; a
        composite type reads `name + ".part"`). Default: the last value posted, as typed.
        Never raises: a value it cannot read is returned as is, for validation to refuse.
        """
        raw = [r for r in getlist(name) if isinstance(r, str)]
        return raw[-1] if raw else None

    def normalize(self, f: Field, value: Any) -> Any:
        """One answer made storable (strings already made safe by the engine: see
        `validate.normalize`). Default (`validate.normalize_text`): a string gets
        `f.normalize` (default strip) and becomes "" when only blanks are left; a list of
        strings loses its repeats; other shapes come back unchanged, for the schema to
        refuse."""
        return normalize_text(f, value)

    def display(self, f: Field, value: Any, lang: str) -> tuple[str, ...]:
        """The answer as the applicant reads it in the recap and PDF, one string per
        part, in `lang` ("fr" or "en"); () for None. Parts that are none of the
        field's choices (`unknown_choices`) are left out. Default: (str(value),)."""
        return () if value is None else (str(value),)

    # --- composite answers (a dict of parts) -------------------------------------

    def part_names(self, f: Field) -> tuple[str, ...]:
        """The keys of a composite answer's parts, in order (its errors are told per
        part, `validate.FieldError.part`); () for a one-input type (the default)."""
        return ()

    def parts(self, f: Field, value: Any, lang: str) -> tuple[Part, ...]:
        """The inputs of a composite answer holding `value` (stored, posted or
        pre-filled), in order, in `lang`; () for a one-input type (the default)."""
        return ()

    def part_message(self, f: Field, part: str, kind: str, value: Any) -> Text | None:
        """The message for a `kind` of mistake ("required", "pattern", "option"...) on
        the part `part` of the answer `value`; None: the field's own message of that
        kind (`validate.message_for`). Default: None."""
        return None

    def examples(self, f: Field) -> tuple[Any, ...]:
        """Some valid answers to `f` as stored, for tests that try every type (a round
        trip through form data, storage and the recap). Default: none."""
        return ()

    def form_values(self, f: Field, value: Any, name: str) -> dict[str, list[str]]:
        """A stored answer as a form posts it: form name -> values, the inverse of
        `parse` (`name` is the field's form name). Default: {name: [str(value)]}."""
        return {} if value is None else {name: [str(value)]}

    def prefill(self, f: Field, profile: Mapping[str, Any]) -> Any:
        """What the question shows before it has an answer, from the applicant's profile
        (profile key -> value, engine/profile.yaml); only shown, stored when the applicant
        saves. Default: None (nothing)."""
        return None

    # --- uploaded files (types with `multipart`) ---------------------------------

    def upload_rules(self, f: Field) -> UploadRules | None:
        """What files `f` takes (types, sizes, how many); None for a type without files."""
        return None

    def file_refs(self, f: Field, value: Any) -> tuple[str, ...]:
        """The ids of the uploaded files an answer names (the others of the dossier's
        files are pruned on save); () for a type without files."""
        return ()

    def answer_with_files(self, f: Field, files: list[Mapping[str, Any]]) -> Any:
        """The answer naming `files` (each {"id", "name", "size", "sha256"}, as storage
        keeps them), None for none; None for a type without files."""
        return None

    def upload_message(self, f: Field, code: str, limit: int | None) -> Text:
        """What to tell the applicant when storage refuses a file of `f` (`code`: one of
        storage's UPLOAD_REFUSALS; `limit`: the number it is about, bytes or files)."""
        from ..validate import message_for

        return message_for(f, "type")

    # --- choices ----------------------------------------------------------------

    def choices(self, f: Field) -> tuple[Option, ...]:
        """Every option value an answer may hold (a grid's "column_row" cells); () for a
        type without choices."""
        return ()

    def condition_values(self, f: Field) -> tuple[list[Any] | None, str]:
        """The values an `eq`/`in` test on `f` may compare with, and how to say them
        ("true or false", "one of a, b"); (None, "") when any value of the kind may be."""
        values = [o.value for o in self.choices(f)]
        if not values:
            return None, ""
        return values, "one of " + ", ".join(values)

    def unknown_choices(self, f: Field, value: Any) -> tuple[Any, ...]:
        """The parts of a stored answer that are none of the field's choices (an option
        since removed or renamed); () when all are, and for a type without choices."""
        return ()

    def offered(self, f: Field, value: Any, options: Iterable[Option]) -> tuple[ChoiceItem, ...]:
        """The choices a page shows for `f` holding `value` (as typed or stored), among
        the `options` offered now (`validate.offered_options`); () for a type without
        choices."""
        return ()


def register_keyword(name: str, validator: type, message: str) -> None:
    """Make the JSON Schema keyword `name`, one of our own for a check JSON Schema cannot
    say (a check digit, a telephone number's validity), known to every validator compiled
    from now on (engine.compare.KEYWORDS). `validator`: a jsonschema_rs custom keyword
    class (`__init__(parent_schema, value, schema_path)`, `validate(instance)` raising
    ValueError); `message`: the message key of its error ("check_digit", "format")."""
    KEYWORDS[name] = validator
    KEYWORD_MESSAGES[name] = message


# a type's own checks of an answer in Python (`FieldType.answer_errors`); validate asks
# the type for its errors, so the message key is not used
register_keyword(ANSWER_KEYWORD, AnswerKeyword, "type")

# name -> type; read it, change it only through `register` and `unregister`
REGISTRY: dict[str, FieldType] = FIELD_TYPES
_generation = [0]


def register(ft: FieldType) -> FieldType:
    """Add (or replace) the type `ft.name`; returns `ft`. Raises ValueError for a nameless one."""
    if not ft.name:
        raise ValueError("a FieldType needs a name")
    REGISTRY[ft.name] = ft
    _generation[0] += 1
    return ft


def unregister(name: str) -> None:
    """Remove the type `name` (tests register example types, then remove them)."""
    REGISTRY.pop(name, None)
    _generation[0] += 1


def field_type(name: str) -> FieldType:
    """The registered type `name`. Raises KeyError for an unknown one (the meta-schema
    refuses such a definition first)."""
    return REGISTRY[name]


def registered() -> tuple[str, ...]:
    """The names of the registered types, in registration order."""
    return tuple(REGISTRY)


def generation() -> int:
    """A number that changes whenever the registry does (for caches built from it)."""
    return _generation[0]


def field_meta_schema() -> dict[str, Any]:
    """The meta-schema of one field (`$defs.field` of forms/definition.schema.json),
    assembled from the registry: the common keys, `type` one of the registered names,
    and per type "if type is X then only these keys" (the common ones, checked above,
    as `true`; each branch marked with
    "x-field-type": X, so the checker says which key does not apply to which type)."""
    branches = []
    for name, ft in REGISTRY.items():
        branches.append({
            "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
            "then": {"x-field-type": name,
                     "properties": {**dict.fromkeys(COMMON_PROPERTIES, True), **ft.properties},
                     "additionalProperties": False},
        })
    return {
        "type": "object",
        "required": ["id", "type", "label"],
        "properties": {**COMMON_PROPERTIES, "type": {"enum": list(REGISTRY)}},
        "allOf": branches,
    }


def applies_to(key: str) -> tuple[str, ...]:
    """The registered types accepting the YAML key `key` (every one for a common key)."""
    return tuple(n for n, ft in REGISTRY.items() if key in COMMON_PROPERTIES
                 or key in ft.properties)


# the built-in types register themselves on import
from . import (  # noqa: E402, F401
    address,
    checkboxes,
    choice,
    date,
    declaration,
    email,
    file,
    grid,
    group,
    number,
    phone,
    postal_code,
    tel,
    text,
    yesno,
)
