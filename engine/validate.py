"""Validate applicants' answers with the compiled validators.

Answers are cleaned first (unknown keys dropped, text normalised, empty
answers removed, answers to hidden questions dropped), then validated; each
error is mapped back to its field and to the designer's message, never to a
raw jsonschema sentence. The pages, saving, the submission guard and the CLI
all come here, so an answer is judged the same way wherever it is given.

Answers, throughout: field id -> value as stored (str; bool for yesno;
list[str] for checkboxes and grids), or as posted before cleaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .answer_keyword import ANSWER_KEYWORD
from .compare import KEYWORD_MESSAGES
from .compile import Clause, CompiledDefinition, CompiledSection
from .model import Field, Section, Text, condition_fields
from .placeholders import FIELD_MESSAGE
from .typed_text import made_safe

# mistake kind -> the message when the field has none of its own ("format:<type>" by type)
DEFAULT_MESSAGES: dict[str, Text] = {
    "required": Text("Ce champ est obligatoire.", "This field is required."),
    "pattern": Text("Le format de cette réponse n'est pas valide.",
                    "The format of this answer is not valid."),
    "min_length": Text("Cette réponse est trop courte.", "This answer is too short."),
    "max_length": Text("Cette réponse est trop longue.", "This answer is too long."),
    "min_items": Text("Cochez au moins {min_items} choix.", "Tick at least {min_items} boxes."),
    "max_items": Text("Cochez au plus {max_items} choix.", "Tick at most {max_items} boxes."),
    "option": Text("Choisissez une réponse proposée dans la liste.",
                   "Choose one of the answers offered."),
    "unknown_option": Text("Votre réponse précédente n'est plus proposée : choisissez de "
                           "nouveau.", "Your previous answer is no longer offered: choose "
                           "again."),
    "type": Text("Cette réponse n'est pas valide.", "This answer is not valid."),
}  # a type's own defaults (a date's "format"...) are its `FieldType.messages`

# jsonschema keyword -> the designer's message key
KEYWORD_MESSAGE = {
    "pattern": "pattern", "minLength": "min_length", "maxLength": "max_length",
    "minItems": "min_items", "maxItems": "max_items", "enum": "option", "const": "option",
    "not": "option", "uniqueItems": "option", "items": "option", "format": "format",
    "type": "type", "required": "required", "minimum": "min", "maximum": "max",
    "exclusiveMinimum": "min", "exclusiveMaximum": "max",
}  # and each field type's own keywords' (compare.KEYWORD_MESSAGES)


class SectionStatus(Enum):
    """Where a section stands: no answer yet, answered with errors, valid, or hidden
    (its `when` does not hold: neither done nor to do, not shown at all).

    Guide: each section shows a green check once its answers are valid.
    """

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    VALID = "valid"
    HIDDEN = "hidden"


@dataclass(frozen=True)
class FieldError:
    """One applicant mistake: where it is and what to say, in both languages.

    section: the section id; field: the field id, or None for a mistake of the
    whole section (a rule without `fields`); for a question inside an item of a
    repeating group, the group's id, and `path` (group id, item index from 0, question
    id) says which item and question; () otherwise. kind: "required", "pattern",
    "min_length", "max_length", "min_items", "max_items", "option", "format",
    "type", "unknown_option" (an answer that is none of its question's choices:
    an option since removed or renamed in the definition) or "rule". part: for a
    composite answer (an address), the part the mistake is in ("postal_code"), None
    for the answer as a whole.
    """

    section: str
    field: str | None
    kind: str
    message: Text
    part: str | None = None
    item: tuple[int, str] | None = None

    @property
    def path(self) -> str | None:
        """Where the mistake is, dotted: the field id; "<field>.<part>" for a part of a
        composite answer ("adresse.postal_code"); "<group>.<index>.<question>" for a
        question of a repeating group's item ("membres.1.date_naissance", index from 0,
        then ".<part>" for a part of it); None for the section as a whole."""
        if self.field is None:
            return None
        steps = [self.field]
        if self.item is not None:
            steps += [str(self.item[0]), self.item[1]]
        if self.part is not None:
            steps.append(self.part)
        return ".".join(steps)

    def as_json(self, lang: str) -> dict[str, Any]:
        """{"section": str, "field": str | None, "message": str in `lang`}, with "part"
        for a part of a composite answer and "path" (see `path`) for a question of a
        repeating group's item, for JSON output."""
        out = {"section": self.section, "field": self.field, "message": self.message.get(lang)}
        if self.part is not None:
            out["part"] = self.part
        if self.item is not None:
            out["path"] = self.path
        return out


def missing_message(f: Field) -> Text:
    """The message for a required answer left out: the designer's `messages.required`
    when written, else the message of the type's `required_rule` (a repeating group
    with no item: its `min_items` one)."""
    return message_for(f, "required" if "required" in f.messages else f.kind.required_rule)


def message_for(f: Field, kind: str, answers: Mapping[str, Any] | None = None,
                more: Mapping[str, Any] | None = None) -> Text:
    """The message for a `kind` of mistake on `f`: the designer's, else the default.

    kind: a key of `Field.messages` ("required", "pattern", "format"...); the
    default is the type's own (`FieldType.messages`: a date's "format"), else
    DEFAULT_MESSAGES. The placeholders `placeholders.field_message_names(f)` are filled: the generic
    {min_items}, {max_items}, {min_length}, {max_length} from the field, and the
    type's own ({min}, {max} of a date or a number...) from `FieldType.message_values`
    for `answers` (the cleaned answers judged; None: none) and `more` (a type's values
    for this one message: a file's {max_size}); `{{`/`}}` are single braces and any
    other `{...}` a designer wrote stays as typed (engine.placeholders).
    """
    text = f.messages.get(kind) or f.kind.messages.get(kind)
    text = text or DEFAULT_MESSAGES.get(kind) or DEFAULT_MESSAGES["type"]
    if "{" not in text.fr + text.en and "}" not in text.fr + text.en:
        return text
    params = {"min_items": f.min_items or 1, "max_items": f.max_items or "",
              "min_length": f.min_length or "", "max_length": f.max_length or "",
              **f.kind.message_values(f, answers or {}), **(more or {})}
    return text.filled_as(FIELD_MESSAGE, params, f.kind.placeholder_names)


def normalize(f: Field, value: Any) -> Any:
    """One answer made storable: strings made safe and composed (`typed_text`), then
    its type's `FieldType.normalize` (by default `normalize_text`; the answer to an
    `email` question, when it is one valid address, is then stored normalised:
    `engine.email_address`, domain lower-cased); anything else is kept as typed,
    for its error.

    value: any JSON value; wrong shapes come back unchanged for the schema
    to refuse.
    """
    return f.kind.normalize(f, made_safe(value))



def is_empty(value: Any) -> bool:
    """Whether an answer is no answer: None, "" or []."""
    return value is None or value == "" or value == []


_is_empty = is_empty


def clean(compiled: CompiledDefinition, answers: Mapping[str, Any],
          sections: list[Section] | None = None) -> dict[str, Any]:
    """The answers as they are kept: known fields, normalised, non-empty, shown.

    answers: field id -> value, stored or as posted. Returns a new dict of the
    same shape: unknown keys, empty values (None, "", []) and answers to
    questions hidden by the other answers are dropped (DESIGN.md: answers to
    hidden questions leave the dossier on save; storage archives them: `set_aside`).
    sections: keep only these sections' fields (visibility still looks at every section).

    Answers of a section hidden by its `when` are dropped too.

    Conditions only look at earlier questions (the checker enforces it; a section's,
    at earlier sections'), so a single pass in question order decides visibility on
    already-cleaned answers.
    """
    result: dict[str, Any] = {}
    for section in compiled.definition.sections:
        if not section_shown(compiled, section, result):
            continue
        for f in section.fields:
            if f.id not in answers:
                continue
            value = normalize(f, answers[f.id])
            if _is_empty(value):
                continue
            shown = compiled.shown_when.get(f.id)
            if shown is not None and not shown.is_valid(result):
                continue
            if f.fields and isinstance(value, list):
                value = [_clean_item(compiled, f, item, result) for item in value]
            result[f.id] = value
    if sections is not None:
        keep = {f.id for s in sections for f in s.fields}
        result = {k: v for k, v in result.items() if k in keep}
    return result


def item_scope(outer: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, Any]:
    """The answers a condition (or a bound naming another field) inside one item of a
    repeating group reads: the item's own answers over the dossier's `outer` ones, so a
    name resolves first in the item, then in the dossier (nested ids are unique in the
    definition, so nothing is hidden). The repeating answers themselves (lists of dicts)
    are left out. Types reading another answer by id (engine.compare's keyword, a date's
    `min: other_date`) read it from this scope, the instance their object-level clauses
    are applied to."""
    scope = {k: v for k, v in outer.items() if not _is_items(v)}
    scope.update(item)
    return scope


def scope_value(scope: Mapping[str, Any], field_id: str) -> Any:
    """The answer named `field_id` in an `item_scope` (or a dossier's answers): the
    item's own, else the dossier's; None when unanswered."""
    return scope.get(field_id) if isinstance(scope, Mapping) else None


def _is_items(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(v, dict) for v in value)


def scoped(compiled: CompiledDefinition, answers: Mapping[str, Any],
           section: Section | None = None) -> dict[str, Any]:
    """`answers` as the compiled validators judge them: each repeating group's items
    replaced by their `item_scope` (the items' schema, `compile.fields_schema` of the
    nested questions, holds their conditions, which may read the dossier's answers).
    The same object when there is no repeating answer. `section`: only its groups (its
    validator reads no other), so judging every section's status costs each group's
    scopes once, not once per section."""
    ids = compiled.item_clauses if section is None else [
        f.id for f in section.fields if f.id in compiled.item_clauses]
    groups = [k for k in ids if isinstance(answers.get(k), list)]
    if not groups:
        return answers if isinstance(answers, dict) else dict(answers)
    result = dict(answers)
    for k in groups:
        result[k] = [item_scope(answers, item) if isinstance(item, dict) else item
                     for item in answers[k]]
    return result


def _clean_item(compiled: CompiledDefinition, f: Field, item: Any,
                outer: Mapping[str, Any]) -> Any:
    """One item of the repeating group `f` (normalised) without the answers its nested
    questions' conditions hide, judged in order in the item's scope."""
    if not isinstance(item, dict):
        return item
    kept: dict[str, Any] = {}
    for c in f.fields:
        if c.id not in item:
            continue
        shown = compiled.shown_when.get(c.id)
        if shown is None or shown.is_valid(item_scope(outer, kept)):
            kept[c.id] = item[c.id]
    return kept


def visible_item_fields(compiled: CompiledDefinition, f: Field, item: Mapping[str, Any],
                        outer: Mapping[str, Any]) -> list[Field]:
    """The nested questions of the repeating group `f` shown in one (cleaned) `item`,
    for the dossier's (cleaned) `outer` answers."""
    scope = item_scope(outer, item)
    return [c for c in f.fields
            if (check := compiled.shown_when.get(c.id)) is None or check.is_valid(scope)]


def items_of(value: Any) -> list[dict[str, Any]]:
    """The items of a repeating answer (its dicts, in order); [] for anything else."""
    return [i for i in value if isinstance(i, dict)] if isinstance(value, list) else []


@dataclass(frozen=True)
class SetAside:
    """A stored answer that a save would lose, and why (issue 14: nothing is ever lost).

    field_id: its key in the answers; value: the stored value, as it was; why: "hidden"
    (its question is now hidden by the other answers), "unknown_option" (it holds a
    choice the question no longer offers, and was replaced or cleared) or
    "unknown_field" (its question is not in this definition).
    """

    field_id: str
    value: Any
    why: str


def section_shown(compiled: CompiledDefinition, section: Section,
                  answers: Mapping[str, Any]) -> bool:
    """Whether `section` is shown for these cleaned answers: its `when` holds, or it has none."""
    shown = compiled.section_shown_when.get(section.id)
    return shown is None or shown.is_valid(answers)


def visible_sections(compiled: CompiledDefinition, answers: Mapping[str, Any]) -> list[Section]:
    """The sections shown for these cleaned answers, in order: the ones the navigation,
    progress, recap, PDF and submission guard know of (a hidden section is none of them)."""
    return [s for s in compiled.definition.sections if section_shown(compiled, s, answers)]


def _shown(compiled: CompiledDefinition, f: Field, answers: Mapping[str, Any]) -> bool:
    shown = compiled.shown_when.get(f.id)
    if shown is not None and not shown.is_valid(answers):
        return False
    section = next(s for s in compiled.definition.sections if s.field(f.id) is f)
    return section_shown(compiled, section, answers)


def set_aside(compiled: CompiledDefinition, stored: Mapping[str, Any],
              merged: Mapping[str, Any], kept: Mapping[str, Any]) -> list[SetAside]:
    """The stored answers that keeping `kept` instead of `stored` would lose, in stored
    order; an answer the applicant changed or cleared is not lost (it is what they meant),
    unless it held a choice no longer offered (then the old value is set aside).

    stored: the answers as stored before; merged: stored with the posted ones over them,
    before `clean`; kept: `clean(compiled, merged)`, what will be stored.
    """
    fields = compiled.definition.all_fields()
    lost = []
    for field_id, value in stored.items():
        if field_id in kept and kept[field_id] == value:
            continue
        f = fields.get(field_id)
        if f is not None and f.fields and field_id in kept:
            lost += _items_set_aside(compiled, f, value, merged.get(field_id), kept)
            continue
        if f is None:
            why = "unknown_field"
        elif unknown_choices(f, value):
            why = "unknown_option"
        elif field_id not in kept and (
                not _is_empty(normalize(f, merged.get(field_id)))
                or not _shown(compiled, f, kept)):
            why = "hidden"  # hidden by the other answers: a form does not post it
        else:
            continue  # changed or cleared by the applicant
        lost.append(SetAside(field_id, value, why))
    return lost


def _items_set_aside(compiled: CompiledDefinition, f: Field, stored: Any, merged: Any,
                     kept: Mapping[str, Any]) -> list[SetAside]:
    """The nested answers of the repeating group `f` that keeping `kept` loses although
    the applicant did not clear them (hidden by the item's other answers, as for a
    top-level question), keyed "<group>.<index>.<question>"; a whole item removed is
    the applicant's doing, not lost."""
    lost = []
    stored_items, merged_items = items_of(stored), items_of(merged)
    kept_items = items_of(kept.get(f.id))
    by_id = {c.id: c for c in f.fields}
    for i, item in enumerate(stored_items):
        if i >= len(kept_items):
            break
        shown = {c.id for c in visible_item_fields(compiled, f, kept_items[i], kept)}
        for c_id, value in item.items():
            c = by_id.get(c_id)
            if c is None or c_id in kept_items[i]:
                continue
            posted = merged_items[i].get(c_id) if i < len(merged_items) else None
            if not _is_empty(normalize(c, posted)) or c_id not in shown:
                lost.append(SetAside(f"{f.id}.{i}.{c_id}", value, "hidden"))
    return lost


def visible_fields(compiled: CompiledDefinition, section: Section,
                   answers: Mapping[str, Any]) -> list[Field]:
    """The questions of a section shown for these (cleaned) answers."""
    shown = []
    for f in section.fields:
        check = compiled.shown_when.get(f.id)
        if check is None or check.is_valid(answers):
            shown.append(f)
    return shown


def offered_options(compiled: CompiledDefinition, f: Field, answers: Mapping[str, Any]) -> list:
    """The options of `f` (list[Option], in order) offered for these cleaned answers.

    Guide: the status detail's options depend on the immigration status.
    """
    return [
        o for o in f.options
        if (check := compiled.offered_when.get((f.id, o.value))) is None or check.is_valid(answers)
    ]


def unknown_choices(f: Field, value: Any) -> tuple[Any, ...]:
    """The parts of an answer to `f` that are none of its choices, () when all are.

    value: one answer as stored (None gives ()). For select and radio, the value
    when it is no option's; for checkboxes and grids, each listed value that is
    not an option (a grid's "column_row" cell), in stored order; for yes/no, a
    value that is not a bool. An answer of the wrong shape (a list for a radio, a
    single value for checkboxes) is unknown as a whole; other field types have no
    choices, so (). Such answers come from a definition changed under a draft (an
    option removed or renamed): the recap shows them as "to review", never as the
    stored code, and validation asks to choose again (kind "unknown_option").
    """
    if value is None:
        return ()
    return f.kind.unknown_choices(f, value)  # each type says it: FieldType.unknown_choices


def unknown_answers(section: Section, cleaned: Mapping[str, Any]) -> list[FieldError]:
    """One "unknown_option" FieldError per question of `section` whose answer in
    `cleaned` (the output of `clean`) holds `unknown_choices`, in question order;
    [] when there is none. Guide: a draft's answers stay valid only while the
    definition still offers them."""
    return [FieldError(section.id, f.id, "unknown_option", message_for(f, "unknown_option"))
            for f in section.fields if unknown_choices(f, cleaned.get(f.id))]


# --- validation -----------------------------------------------------------------


def _error_part(kind: str, err: Any, depth: int) -> str | None:
    """The part of a composite answer an error's place in the answer names (a missing
    part: the required keyword's); None for the answer as a whole. depth: how many steps
    of the error's instance path lead to the object holding the answer (0 in a section,
    2 in a repeating group's item)."""
    instance = list(err.instance_path)[depth:]
    if len(instance) > 1:
        return str(instance[1])
    if kind == "required" and instance:
        return str(err.kind.property)
    return None


def _part_error(section_id: str, f: Field, kind: str, part: str | None,
                answers: Mapping[str, Any]) -> FieldError:
    """The error of `f` as a whole, or of the part `part` of its composite answer (with
    that part's own message, `FieldType.part_message`). answers: the answers `f`'s
    messages are filled from (its section's, or its item's scope: `item_scope`)."""
    if part not in f.kind.part_names(f):
        return FieldError(section_id, f.id, kind, message_for(f, kind, answers))
    message = (f.kind.part_message(f, part, kind, answers.get(f.id))
               or message_for(f, kind, answers))
    return FieldError(section_id, f.id, kind, message, part)


def _keyword_message(step: Any) -> str | None:
    if not isinstance(step, str):
        return None
    return KEYWORD_MESSAGES.get(step) or KEYWORD_MESSAGE.get(step)


def _map_error(cs: CompiledSection, err: Any, cleaned: Mapping[str, Any],
               item_clauses: Mapping[str, tuple[Clause, ...]]) -> list[FieldError]:
    path = list(err.schema_path)
    where = list(err.instance_path)
    section = cs.section
    in_item = (len(path) >= 4 and path[0] == "properties" and path[2] == "items"
               and path[1] in item_clauses and path[3] in ("allOf", "required", "properties"))
    # a shared definition's keyword ($ref: an address's country) is named by the
    # definition's place: the answer's place says it is in a group's item
    shared_in_item = (path[:1] == ["$defs"] and len(where) > 2 and where[0] in item_clauses
                      and isinstance(where[1], int))
    if in_item or shared_in_item:
        group = section.field(where[0] if shared_in_item else path[1])
        index = where[1] if len(where) > 1 and isinstance(where[1], int) else 0
        items = cleaned.get(group.id)
        item = items[index] if isinstance(items, list) and index < len(items) else {}
        scope = item_scope(cleaned, item if isinstance(item, Mapping) else {})
        return [FieldError(section.id, group.id, m.kind, m.message, m.part,
                           (index, m.field or ""))
                for m in _map_path(section.id, {c.id: c for c in group.fields},
                                   item_clauses[group.id],
                                   path if shared_in_item else path[3:], err, scope, depth=2)]
    return _map_path(section.id, {f.id: f for f in section.fields}, cs.clauses, path, err,
                     cleaned)


def _map_path(section_id: str, fields: Mapping[str, Field], clauses: tuple[Clause, ...],
              path: list[Any], err: Any, answers: Any, depth: int = 0) -> list[FieldError]:
    """The FieldErrors of a jsonschema error whose schema path, from the object schema of
    `fields` (a section's, or one item's of a repeating group), is `path` (one, or one
    per mistake its type's `answer_errors` finds); `answers`: that object's answers;
    `depth`: the steps of the error's instance path before it."""
    if path and path[0] == "allOf":
        clause: Clause = clauses[path[1]]
        if clause.kind == "check":
            return [FieldError(section_id, clause.field.id, clause.message,
                               message_for(clause.field, clause.message, answers))]
        if clause.kind == "rule":
            rule = clause.rule
            return [FieldError(section_id, rule.fields[0] if rule.fields else None, "rule",
                               rule.message)]
        f = clause.field
        if clause.kind == "required":
            return [FieldError(section_id, f.id, "required", missing_message(f))]
        return [FieldError(section_id, f.id, "option", message_for(f, "option"))]
    if path and path[0] == "required":
        f = fields[err.kind.property]
        return [FieldError(section_id, f.id, "required", missing_message(f))]
    if len(path) >= 3 and path[0] == "properties" and path[-1] == ANSWER_KEYWORD:
        # the type's own checks (`FieldType.answer_errors`): one error per mistake
        f = fields[path[1]]
        return [_part_error(section_id, f, kind, part, answers)
                for part, kind in f.kind.answer_errors(answers.get(f.id))]
    if len(path) >= 3 and path[0] == "properties":
        f = fields[path[1]]
        kind = next((k for p in reversed(path) if (k := _keyword_message(p))), "type")
        return [_part_error(section_id, f, kind, _error_part(kind, err, depth), answers)]
    instance = list(err.instance_path)[depth:]
    if path and path[0] == "$defs" and instance and instance[0] in fields:
        # a keyword of a shared definition ($ref: an address's country), which the
        # validator names by the definition's place: the answer's place says whose
        f = fields[str(instance[0])]
        kind = next((k for p in reversed(path) if (k := _keyword_message(p))), "type")
        return [_part_error(section_id, f, kind, _error_part(kind, err, depth), answers)]
    return [FieldError(section_id, None, "type", DEFAULT_MESSAGES["type"])]


def validate_section(compiled: CompiledDefinition, section_id: str,
                     cleaned: Mapping[str, Any]) -> list[FieldError]:
    """Errors of one section, one per field at most (one per part of a composite answer,
    after its own), rules after field errors.

    cleaned: the output of `clean`. Returns [] when the section is valid or hidden
    (`section_shown`: a hidden section is not required). A rule's error is left
    out when a field it tests already has one. An answer that is none of its
    question's choices (`unknown_choices`) gets the "unknown_option" error, whatever
    else the schema says of it. Raises KeyError for an unknown section_id.
    """
    cs = compiled.sections[section_id]
    judged = scoped(compiled, cleaned, cs.section)
    if cs.validator.is_valid(judged) or not section_shown(compiled, cs.section, cleaned):
        return []
    by_path: dict[str | None, FieldError] = {e.field: e for e in unknown_answers(cs.section,
                                                                                 cleaned)}
    rules: list[FieldError] = []
    for err in cs.validator.iter_errors(judged):
        for mapped in _map_error(cs, err, cleaned, compiled.item_clauses):
            if mapped.kind == "rule":
                rules.append(mapped)
            elif mapped.path not in by_path or mapped.kind == "required":
                by_path[mapped.path] = mapped
    errors = [e for f in cs.section.fields for e in _errors_of(f, by_path)]
    errors += [e for e in by_path.values() if e.field is None]
    # A rule about answers that already have their own error would only repeat it.
    wrong = {e.field for e in by_path.values()}
    for r in rules:
        if r not in errors and not (_rule_fields(cs, r) & wrong):
            errors.append(r)
    return errors


def _part_order(f: Field, part: str | None) -> int:
    names = f.kind.part_names(f)
    return names.index(part) if part in names else len(names)


def _errors_of(f: Field, by_path: Mapping[str | None, FieldError]) -> list[FieldError]:
    """The errors of question `f` in `by_path` (keyed by `FieldError.path`): its own,
    then its parts' in part order, then its items' in item order, each item's in
    question order (and part order)."""
    own = [by_path[f.id]] if f.id in by_path else []
    own += sorted((e for e in by_path.values() if e.field == f.id and e.part and not e.item),
                  key=lambda e: _part_order(f, e.part))
    if not f.fields:
        return own
    order = {c.id: i for i, c in enumerate(f.fields)}
    by_id = {c.id: c for c in f.fields}
    nested = [e for e in by_path.values() if e.field == f.id and e.item is not None]
    nested.sort(key=lambda e: (e.item[0], order.get(e.item[1], len(order)),
                               _part_order(by_id[e.item[1]], e.part) if e.part else -1))
    return own + nested


def _rule_fields(cs: CompiledSection, error: FieldError) -> set[str]:
    rule = next(r for r in cs.section.rules if r.message is error.message)
    return {t.field for t in condition_fields(rule.require) + condition_fields(rule.when)}


def validate(compiled: CompiledDefinition, answers: Mapping[str, Any]) -> list[FieldError]:
    """Errors of the whole dossier, section by section, for cleaned or raw answers.

    Cleans first, so answers to hidden questions and unknown keys are not errors.
    Returns [] when every section is valid.
    """
    cleaned = clean(compiled, answers)
    if compiled.validator.is_valid(scoped(compiled, cleaned)):
        return []
    return [e for s in visible_sections(compiled, cleaned)
            for e in validate_section(compiled, s.id, cleaned)]


def section_status(compiled: CompiledDefinition, section_id: str,
                   cleaned: Mapping[str, Any]) -> SectionStatus:
    """HIDDEN when the section's `when` does not hold, NOT_STARTED when no field of
    the section is answered in `cleaned` (the output of `clean`), IN_PROGRESS when it
    has errors, else VALID.

    Raises KeyError for an unknown section_id.
    """
    return judge_section(compiled, section_id, cleaned)[0]


def judge_section(compiled: CompiledDefinition, section_id: str,
                  cleaned: Mapping[str, Any]) -> tuple[SectionStatus, list[FieldError]]:
    """The section's status (as `section_status`) and what to correct in it (as
    `validate_section`: [] unless IN_PROGRESS), the section validated once.

    Raises KeyError for an unknown section_id.
    """
    section = compiled.sections[section_id].section
    if not section_shown(compiled, section, cleaned):
        return SectionStatus.HIDDEN, []
    if not any(f.id in cleaned for f in section.fields):
        return SectionStatus.NOT_STARTED, []
    errors = validate_section(compiled, section_id, cleaned)
    return (SectionStatus.IN_PROGRESS if errors else SectionStatus.VALID), errors
