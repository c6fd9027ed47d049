"""The catalogue of designer errors.

Every mistake a form designer can make has one code and one message template
here (as pyxform does), so the wording never drifts between the checker, the
CLI and the tests, which build their expected text from the same templates.
Each message says what is wrong and what to do about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class ErrorCode(Enum):
    """Every designer error; each member's value is its message template.

    The template is a `str.format` string whose `{name}` parameters are given
    to `error()`; doubled braces (`{{`) print a literal brace. Tests build the
    expected text from these same templates.
    """

    FILE_UNREADABLE = "This file cannot be read: {problem}."
    NOT_UTF8 = (
        "This file is not UTF-8 text: the byte {byte} (column {column}) is no UTF-8 "
        "character. Save the file as UTF-8 (in your editor: \"Save with encoding\" or "
        "\"Encoding: UTF-8\")."
    )
    YAML_TOO_DEEP = (
        "This file nests lists and mappings more than {limit} levels deep (aliases "
        "included). A definition needs far fewer: close the brackets ([ ] {{ }}) or fix the "
        "indentation."
    )
    YAML_TOO_BIG = (
        "This file holds more than {limit} values, each alias (*name) counting as many as "
        "its anchor (&name). A definition needs far fewer: remove repeated parts, or "
        "repeat aliases less."
    )
    YAML_TOO_LONG = (
        "This file holds {size} characters, more than the {limit} a definition may hold. "
        "A definition needs far fewer: split it into several dossier types, or shorten "
        "its texts."
    )
    YAML_SYNTAX = "This file is not valid YAML: {problem}. Fix the indentation or quoting."
    YAML_ESCAPE = (
        "This file is not valid YAML: {problem}. Inside double quotes a backslash starts an "
        "escape such as \\n: write a text holding backslashes, such as a pattern, in single "
        "quotes: {single_quoted}"
    )
    YAML_CONTROL_CHARACTER = (
        "This line holds an invisible control character ({problem}), which YAML refuses: "
        "delete it (it often comes with text copied from a PDF or a word processor)."
    )
    YAML_TAB = (
        "This line is indented with a tab: indent with spaces, not tabs (YAML refuses tabs "
        "in indentation)."
    )
    YAML_BOOLEAN = (
        "`{word}` was read as yes/no: put it in quotes (\"{word}\"). Unquoted, YAML reads "
        "on, off, yes, no, true and false (in any case) as yes/no, and a text was expected "
        "here."
    )
    YAML_BOOLEAN_LOWER = (
        "`{word}` was read as yes/no: put it in quotes and in lower case (\"{lower}\"); "
        "quoted as written, `{word}` {rule}. Unquoted, YAML reads on, off, yes, no, true and "
        "false (in any case) as yes/no."
    )
    UNKNOWN_KEY = "{where}: unknown key `{key}`: did you mean `{suggestion}`?"
    UNKNOWN_KEY_NO_MATCH = "{where}: unknown key `{key}`. The keys known here are: {known}."
    UNKNOWN_PLACEHOLDER = (
        "{{{name}}} is not a placeholder of {where}, which fills {known}. Write {{{{ and }}}} "
        "for a literal brace (\"{{{{{name}}}}}\" shows \"{{{name}}}\")."
    )
    PLACEHOLDER_NOT_FILLED_BY = (
        "{{{name}}} is filled by the form of {filling}, but {poster} also posts the message "
        "'{message}' and fills no {{{name}}}: its recipient would read \"{{{name}}}\" as "
        "typed. Give {poster} a question '{name}', or let it post another message without "
        "{{{name}}}."
    )
    AGENT_FORM_UNKNOWN_FIELD = (
        "The condition refers to the field '{field}', which is not a question of the form "
        "of the transition '{transition}': an agent form's conditions read only that "
        "form's own questions ({known}), never the dossier's."
    )
    DURATION_NUMBER = (
        "{where} is the number `{value}`: a duration needs its unit: write {value}d "
        "(days), {value}h (hours) or {value}m (minutes)."
    )
    AGENT_ACTION_NOT_AGENT = (
        "The transition '{transition}' ({by}) has the action `{action}`, which only "
        "agents' transitions take (`by: agent`). Remove it, or make it an agent transition."
    )
    NOT_A_MAPPING = "A definition must be a YAML mapping with id, version, title, sections..."
    META_SCHEMA = "{where}: {problem}."
    MISSING_KEY = "{where} needs {a} `{key}:`."
    WRONG_KIND = "{where} is {got}, where {expected} is expected."
    BAD_FORM = "{where}: `{value}` {rule}."
    NOT_ALLOWED = (
        "{where}: `{value}` is not allowed here: did you mean `{suggestion}`? Write {allowed}."
    )
    NOT_ALLOWED_NO_MATCH = "{where}: `{value}` is not allowed here. Write {allowed}."
    DUPLICATE_TYPE = (
        "The dossier type id '{id}' is also the id of {first} (line {first_line}). A forms "
        "folder holds one file per dossier type, its newest version (the older ones are in "
        "the database): remove this file or the other, or give this one another id."
    )
    DUPLICATE_VERSION = (
        "Version {version} of '{id}' is also given by {first} (line {first_line}): two "
        "files cannot be the same version of a type. Remove one, or give an older version "
        "its own `version`."
    )
    DUPLICATE_ID = (
        "The {kind} id '{id}' is already used on line {first_line}. "
        "Give every {kind} its own id."
    )
    UNKNOWN_FIELD = (
        "The condition refers to the field '{field}', which is not defined in this dossier type. "
        "Use the id of a field declared in one of its sections."
    )
    MISSING_TRANSLATION = (
        "This text has no '{lang}' version. Every label and message needs both 'fr' and 'en'."
    )
    HIDDEN_CHARACTER = (
        "The '{lang}' version of this text holds the invisible character {codepoint} ({name}): "
        "nobody sees it, yet it changes how the text is shown or read. Remove it."
    )
    OPTION_WITHOUT_LABEL = (
        "The option '{value}' of the field '{field}' has no label. "
        "Write it as {{value: {value}, label: {{fr: ..., en: ...}}}}."
    )
    OPTIONS_REQUIRED = "The field '{field}' of type {type} needs a list of options."
    FIELD_TYPE = "The field '{field}' of type {type}: {problem}."
    PROPERTY_NOT_FOR_TYPE = (
        "`{property}` does not apply to a field of type {type} (field '{field}'); it applies "
        "to {applies_to}. Remove it, or change the field's type."
    )
    UNKNOWN_INITIAL_STATE = (
        "The workflow's initial state '{state}' is not declared under workflow.states: did "
        "you mean '{suggestion}'?"
    )
    UNKNOWN_INITIAL_STATE_NO_MATCH = (
        "The workflow's initial state '{state}' is not declared under workflow.states. Use "
        "one of: {known}."
    )
    UNKNOWN_STATE_SUGGESTION = (
        "The transition '{transition}' refers to the state '{state}', which is not declared "
        "under workflow.states: did you mean '{suggestion}'?"
    )
    UNKNOWN_STATE = (
        "The transition '{transition}' refers to the state '{state}', which is not declared "
        "under workflow.states. Declare it or correct the name."
    )
    REMINDER_UNKNOWN_MESSAGE = (
        "The reminder {before} before the deadline posts the message '{message}', which is "
        "not declared under messages. Use one of: {known}."
    )
    SCHEDULE_DURATION = "{where}: {problem}."
    REMINDER_TOO_EARLY = (
        "The reminder {before} before the deadline comes before the dossier exists: the "
        "deadline is {days} day(s) after creation. Shorten `before_deadline`."
    )
    RETENTION_UNKNOWN_STATE = (
        "The retention applies to the state '{state}', which is not declared under "
        "workflow.states. Use one of: {known}."
    )
    RETENTION_EDITABLE_STATE = (
        "The retention would purge dossiers in the state '{state}', which the applicant "
        "can still edit. Retention applies to final states only (closed, expired...)."
    )
    UNREACHABLE_STATE = (
        "The state '{state}' can never be reached from the initial state '{initial}'. "
        "Add a transition to it or remove it."
    )
    IMPOSSIBLE_VALUE = (
        "The condition compares the field '{field}' to {value!r}, a value it can never have "
        "({expected}). Use one of those values."
    )
    OPERATOR_MISMATCH = (
        "The condition uses '{operator}' on the field '{field}' of type {type}; "
        "'{operator}' only applies to {applies_to}."
    )
    FORWARD_REFERENCE = (
        "The field '{field}' depends on '{other}', which is only asked later. "
        "A condition may only refer to questions asked before it."
    )
    SELF_REFERENCE = "The field '{field}' is shown on a condition about itself. Remove it."
    COMPARISON_MISMATCH = (
        "The condition compares the {kind} field '{field}' with {operand}. Compare a date "
        "with a date (YYYY-MM-DD), today, an offset such as -12m or another date field, and "
        "a number with a number or another number field."
    )
    BAD_COMPARISON_OPERAND = (
        "The condition compares the field '{field}' with {operand!r}, which is not a date "
        "(YYYY-MM-DD, a real day), today, nor an offset from today such as -12m, +1y, -30d "
        "or +2w."
    )
    SECTION_FORWARD_REFERENCE = (
        "The section '{section}' is shown on a condition about '{other}', which is asked in "
        "this section or a later one. A section's condition may only refer to questions of "
        "earlier sections."
    )
    BAD_PATTERN = "The pattern of the field '{field}' is not a valid regular expression: {problem}."
    UNKNOWN_MESSAGE = (
        "The transition '{transition}' posts the message '{message}', which is not declared "
        "under messages."
    )
    UNKNOWN_DOCUMENT = (
        "The transition '{transition}' produces the document '{document}', which is not "
        "declared under documents."
    )
    UNKNOWN_GUARD = (
        "The transition '{transition}' names the guard '{guard}', which the engine does not "
        "know. Use one of: {known}."
    )
    UNKNOWN_ACTION = (
        "The transition '{transition}' names the action '{action}', which the engine does not "
        "know. Use one of: {known}."
    )
    ACTION_REF = "The action '{action}' is written {how}."
    BY_AND_TRIGGER = (
        "The transition '{transition}' says who takes it twice, with `by:` and with "
        "`trigger:` (the old name of `by:`). Keep `by:` only."
    )
    AGENT_LABEL_MISSING = (
        "The transition '{transition}' is taken by an agent and has no `label:`: write the "
        "text of the button the agent clicks, in French and English."
    )
    FORM_NOT_FOR_AGENT = (
        "The transition '{transition}' has a `form:` but is taken by {by}: only an agent "
        "fills a transition's form. Write `by: agent` or remove the form."
    )
    AFTER_MISSING = (
        "The transition '{transition}' is taken by the schedule and has no `after:`: write "
        "how long the dossier waits in its state first, e.g. `after: 14d`."
    )
    AFTER_NOT_FOR_SCHEDULE = (
        "The transition '{transition}' has `after:` but is taken by {by}: only a "
        "`by: schedule` transition waits. Write `by: schedule` or remove `after:`."
    )
    DURATION = "The transition '{transition}': {problem}."
    FORM_ID_RESERVED = (
        "The field '{field}' of the form of the transition '{transition}' has the name of "
        "the placeholder {{{field}}} every message fills. Give it another id."
    )
    AGENT_FORM_TYPE = (
        "The field '{field}' of the form of the transition '{transition}' is of type {type}, "
        "which an agent's form cannot ask. Use one of: {known}."
    )
    UNLOCK_NOT_EDITABLE = (
        "The transition '{transition}' unlocks the dossier for correction but goes to the "
        "state '{state}', which is not editable: the applicant could not correct anything. "
        "Write `editable: true` under that state, or go to an editable state."
    )
    UNKNOWN_SECTION = (
        "The document '{document}' lists the section '{section}', which does not exist. "
        "Use 'profile' or the id of a section."
    )
    UNKNOWN_RULE_FIELD = (
        "The rule shows its message on the field '{field}', which is not in the section "
        "'{section}'."
    )
    NESTED_TOO_DEEP = (
        "The field '{field}' is a repeating group inside the group '{group}': groups are "
        "nested deeper than the engine supports (one level). Move it out of '{group}'."
    )
    GROUP_INSIDE_REFERENCE = (
        "A condition outside the repeating group '{group}' refers to '{field}', a question "
        "asked once per item of that group. Only the group's own questions may refer to it."
    )
    MIN_ABOVE_MAX = "The field '{field}' asks for at least {low} but at most {high}."
    NO_EDITABLE_INITIAL = (
        "The initial state '{state}' must be editable, or nobody can fill the form."
    )
    AUTOCOMPLETE_TYPE = (
        "The field '{field}' is of type {type} but its autocomplete '{autocomplete}' "
        "{says}. Write type: tel with a telephone token (e.g. 'mobile tel-national'), "
        "and another type with another token."
    )
    UNKNOWN_PROFILE_FIELD = (
        "The profile block shows the field '{field}', which is not a field of the applicant "
        "profile. Use one of: {known}."
    )
    REPUBLISHED = (
        "version {version} of {id} is already published with other content: increase `version`"
    )
    MIGRATION_FROM = (
        "The migration from version {source} must come from an older version than this "
        "file's ({version}), once each."
    )
    MIGRATION_UNKNOWN_TARGET = (
        "The migration from version {source} renames {what} to '{target}', which is not "
        "{where} in this version. Rename to an id this file declares."
    )
    MIGRATION_UNKNOWN_SOURCE = (
        "The migration from version {source} names {what}, which version {source} does "
        "not have. Use an id of version {source}."
    )
    MIGRATION_RENAME_ONTO = (
        "The migration from version {source} renames the field '{field}' to '{target}', "
        "{clash}: a draft answering both would keep one answer "
        "and archive the other. Rename or drop '{target}' in the same migration too, or "
        "choose another id."
    )
    MIGRATION_MISSING = (
        "drafts: migrate, but version {source} is published and no migration comes from "
        "it: add `- from: {source}` under migrations, or write drafts: keep."
    )
    UNMIGRATED_FIELD = (
        "The field '{field}' of version {source} is gone and the migration from version "
        "{source} neither renames it (rename_fields) nor drops it (drop_fields): drafts "
        "would lose its answers. Declare one of them."
    )
    UNMIGRATED_OPTION = (
        "The option '{option}' of the field '{field}' of version {source} is gone and the "
        "migration from version {source} does not rename it (rename_options: "
        "{{{field}: {{{option}: ...}}}}): drafts that chose it would lose it. Declare it, or "
        "drop the field."
    )
    UNMIGRATED_STATE = (
        "The workflow state '{state}' of version {source} is gone and the migration from "
        "version {source} does not rename it (rename_states): drafts in it would be lost. "
        "Declare it."
    )
    PROFILE_SCHEMA = (
        "{where}: {problem}. The header of engine/profile.yaml says what each field takes."
    )
    # --- a form's tests file (forms/<id>.tests.yaml, engine/formtests.py) -------------
    TESTS_SHAPE = (
        "A tests file is a list of cases (or a mapping with `cases:` and optional `base`, "
        "`today`, `profile`), each case a mapping with at least a `name`: {problem}."
    )
    TESTS_UNKNOWN_KEY = "Unknown key `{key}` in {where}{hint}. Use one of: {known}."
    TESTS_BAD_VALUE = "{where}: {problem}."
    TESTS_UNKNOWN_ID = (
        "The case '{case}' names {what} '{id}', which {definition} does not have{hint}."
    )
    TEST_FAILED = "case '{case}': expected {expected}, got {got}"
    TEST_NOT_COVERED = "No case {what}: add one to {tests}."


@dataclass(frozen=True)
class DesignerError:
    """One mistake in a definition file, at a line, in plain words.

    path: the definition file as given to the loader (or "<string>");
    line: 1-based line in that file; code: the catalogue entry;
    message: the filled template. `str()` gives "path:line: message".
    about: the ids and values the message names (its template's text and number
    parameters), not compared: what lets the pipeline drop the meaning errors about a
    part it left out for a shape error.
    """

    path: str
    line: int
    code: ErrorCode
    message: str
    about: frozenset[str] = field(default=frozenset(), compare=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def error(code: ErrorCode, path: str, line: int, **params: object) -> DesignerError:
    """The DesignerError for `code` at `path:line`, its template filled with `params`.

    params: the template's `{name}` parameters (str, int, or anything printable).
    Raises KeyError when a parameter the template names is missing.
    """
    about = frozenset(str(v) for v in params.values()
                      if isinstance(v, str | int) and not isinstance(v, bool))
    return DesignerError(path, line, code, code.value.format(**params), about)


class DefinitionError(Exception):
    """Raised when a definition cannot be used; holds every error found, sorted by line.

    errors: every DesignerError of every file, sorted by (path, line, message);
    the exception's text is one "path:line: message" per line.
    """

    def __init__(self, errors: list[DesignerError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.path, e.line, e.message))
        super().__init__("\n".join(str(e) for e in self.errors))
