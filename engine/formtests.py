"""Per-form tests: a designer's cases next to a definition, run by `guichet test`.

A designer writes `forms/<id>.tests.yaml` beside `forms/<id>.yaml`: answers, and what
must follow from them (these errors with these messages, these sections valid, these
questions shown, this recap). Each case goes through the very engine functions the
pages use (`clean`, `validate`, `section_status`, `visible_fields`, `build_recap`,
`eligibility_failures`, `FieldType.prefill`), so a change to a definition that breaks
what a case says is caught in CI, before an applicant meets it. A mistake in a tests
file (an unknown key, a field the definition does not have) is reported at `file:line`,
like a definition's. docs/form-tests.md is the designer's guide to the format.

The file: either a list of cases, or a mapping

    base: {...}        answers every case starts from (a case's `answers` go over them)
    today: YYYY-MM-DD  the service's date for every case ("today" in conditions, bounds)
    profile: {...}     the applicant's profile for every case
    cases: [...]

A case (a mapping):

    name     (required) what the case is about; failures name it
    answers  field id -> answer, as stored (a repeating group's: a list of mappings);
             over the file's `base` unless `base: false`. An id the definition does not
             have is a mistake, unless the case expects it `dropped`
    base     false: start from no answer at all instead of the file's `base`
    each     {field: [v1, v2, ...]}: run the case once per value of that answer
    profile  the applicant's profile (engine/profile.yaml keys: birth_date...), over
             the file's; read by `eligible` and `prefilled`
    today    YYYY-MM-DD, over the file's (default: the real service date)
    lang     fr (default) or en: the language of `message` and `recap` texts
    expect   what must follow (every key optional):
      errors      {where: rule} exactly the errors validation gives ({} or
                  `no_errors: true`: none). where: a field id, "<group>.<n>.<field>" for
                  the n-th item (from 0) of a repeating group, ".<part>" after either for
                  a part of a composite answer (an address's postal_code), or a section
                  id for a rule without `fields`. rule: required, pattern, min_length,
                  max_length, min_items, max_items, option, unknown_option, format, type,
                  min, max, a type's own (check_digit...), or for a section rule `rule`
                  or its `id` (a rule no error of that place is named, such as
                  `patern`, is a mistake: `rules_of`); a list for several on one place; or a mapping
                  {rule: ..., message: text} where the message shown (in `lang`) must
                  contain `text`
      no_errors   true: the same as errors: {}
      sections    {section id: not_started | in_progress | valid | hidden}
      valid_sections, invalid_sections (in_progress), hidden_sections,
      not_started_sections: lists of section ids with that status
      shown, hidden  question ids (or "<group>.<n>.<field>") shown or not on the page
      recap       {field or "<group>.<n>.<field>": text as the recap shows it in `lang`
                  (a masked answer: XXXXXXXXXX); null: not in the recap}
      kept        the answers kept once cleaned: a list of ids, or {id: value as stored}
      dropped     ids (or "<group>.<n>.<field>") whose answer is not kept
      eligible    true or false: the eligibility rules for the profile's birth_date on `today`
      prefilled   {field: answer} what an unanswered question shows from the profile
                  (a list of ids: only that it shows something)

Coverage (`coverage`, `guichet test --coverage`): every `when` of a question, an
option or a section is seen both true and false by some case, every section rule is
broken by some case, and every `messages:` entry of a question is given by some case
that checks errors (the messages said only when storage refuses an upload are left
out: `FieldType.upload_message_keys`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from difflib import get_close_matches
from pathlib import Path
from typing import Any

import yaml

from . import compare
from .compile import CompiledCondition, CompiledDefinition
from .errors import DesignerError, ErrorCode, error
from .load import Located, LocatedList, YamlSyntaxError, load_text, plain
from .model import Field
from .pipeline import convert, read_source, syntax_error, tests_path
from .profile import PROFILE
from .recap import build_recap
from .validate import (
    DEFAULT_MESSAGES,
    KEYWORD_MESSAGE,
    FieldError,
    SectionStatus,
    clean,
    item_scope,
    items_of,
    section_shown,
    section_status,
    validate,
    visible_item_fields,
)
from .workflow import eligibility_failures

FILE_KEYS = ("base", "today", "profile", "cases")
CASE_KEYS = ("name", "answers", "base", "each", "profile", "today", "lang", "expect")
STATUS_LISTS = {"valid_sections": SectionStatus.VALID,
                "invalid_sections": SectionStatus.IN_PROGRESS,
                "hidden_sections": SectionStatus.HIDDEN,
                "not_started_sections": SectionStatus.NOT_STARTED}
EXPECT_KEYS = ("errors", "no_errors", "sections", *STATUS_LISTS, "shown", "hidden", "recap",
               "kept", "dropped", "eligible", "prefilled")
ERROR_KEYS = ("rule", "message")
LANGS = ("fr", "en")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ODD_SPACE = re.compile(r"[^\S ]")  # whitespace other than a plain space


@dataclass(frozen=True)
class Case:
    """One run of a case: `label` is its name (and the `each` value it runs with), `line`
    the 1-based line of its `- name:` item; answers and profile are plain dicts; today
    None: the real service date; expect: the case's `expect` mapping (with key lines)."""

    name: str
    label: str
    line: int
    answers: dict[str, Any]
    profile: dict[str, Any]
    today: date | None
    lang: str
    expect: Located


@dataclass
class Outcome:
    """What running one definition's tests gave.

    errors: the definition's check errors or the tests file's mistakes (then no case
    ran: exit 2 for `guichet test`); failures: one TEST_FAILED per expectation not met;
    gaps: TEST_NOT_COVERED, at the definition's lines (only when asked for); cases:
    case count, runs: runs (a case with `each` runs once per value).
    """

    definition: Path
    tests: Path | None
    errors: list[DesignerError] = field(default_factory=list)
    failures: list[DesignerError] = field(default_factory=list)
    gaps: list[DesignerError] = field(default_factory=list)
    cases: int = 0
    runs: int = 0


# --- reading a tests file --------------------------------------------------------------


class _Reader:
    """Reads and checks a tests file against a compiled definition, collecting mistakes."""

    def __init__(self, compiled: CompiledDefinition, path: str) -> None:
        self.compiled = compiled
        self.d = compiled.definition
        self.path = path
        self.errors: list[DesignerError] = []
        self.fields = self.d.all_fields()
        self.nested = self.d.nested_fields()
        self.sections = [s.id for s in self.d.sections]

    def err(self, code: ErrorCode, line: int, **params: Any) -> None:
        self.errors.append(error(code, self.path, line, **params))

    def keys(self, node: Located, known: tuple[str, ...], where: str) -> None:
        for key in node:
            if key not in known:
                close = _closest(key, known)
                self.err(ErrorCode.TESTS_UNKNOWN_KEY, node.line_of(key), key=key, where=where,
                         hint=f" (did you mean `{close[0]}`?)" if close else "",
                         known=", ".join(known))

    def when(self, value: Any, line: int, where: str) -> date | None:
        if value is None:
            return None
        if isinstance(value, str) and _DATE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.err(ErrorCode.TESTS_BAD_VALUE, line, where=where,
                 problem=f"{value!r} is not a date YYYY-MM-DD")
        return None

    def profile(self, value: Any, line: int, where: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.err(ErrorCode.TESTS_BAD_VALUE, line, where=where,
                     problem="`profile` is a mapping of profile fields (birth_date: ...)")
            return {}
        for key in value:
            if key not in PROFILE.fields:
                self.err(ErrorCode.TESTS_UNKNOWN_KEY, _line(value, key, line), key=key,
                         where="the profile", hint="", known=", ".join(PROFILE.fields))
        return plain(value)

    def read(self, text: str) -> list[Case]:
        try:
            data = load_text(text, self.path)
        except YamlSyntaxError as exc:
            self.errors.append(syntax_error(exc, text, self.path))
            return []
        base: dict[str, Any] = {}
        today, profile = None, {}
        if isinstance(data, Located):
            self.keys(data, FILE_KEYS, "the tests file")
            if not isinstance(data.get("base", {}), Mapping):
                self.err(ErrorCode.TESTS_BAD_VALUE, data.line_of("base"), where="`base`",
                         problem="the base answers are a mapping of field id -> answer")
            else:
                base = plain(data.get("base") or {})
                self.answer_ids(data.get("base") or {}, data.line_of("base"), "the base", [])
            today = self.when(data.get("today"), data.line_of("today"), "`today`")
            profile = self.profile(data.get("profile"), data.line_of("profile"), "`profile`")
            cases = data.get("cases")
            line = data.line_of("cases")
        else:
            cases, line = data, getattr(data, "line", 1)
        if not isinstance(cases, LocatedList):
            self.err(ErrorCode.TESTS_SHAPE, line, problem="no list of cases found")
            return []
        runs: list[Case] = []
        names: dict[str, int] = {}
        for i, node in enumerate(cases):
            item_line = cases.line_of(i)
            if not isinstance(node, Located) or not isinstance(node.get("name"), str):
                misspelt = False  # `nme:` is told once, as a misspelt key
                if isinstance(node, Located):
                    self.keys(node, CASE_KEYS, f"case {i + 1}")
                    misspelt = any(_closest(k, ("name",)) for k in node if k not in CASE_KEYS)
                if not misspelt:
                    self.err(ErrorCode.TESTS_SHAPE, item_line,
                             problem=f"case {i + 1} has no `name: ...`")
                continue
            if node["name"] in names:
                self.err(ErrorCode.TESTS_BAD_VALUE, item_line, where=f"case '{node['name']}'",
                         problem=f"another case has this name (line {names[node['name']]}): "
                                 "give each case its own")
            names[node["name"]] = item_line
            runs += self.case(node, item_line, base, today, profile)
        return runs

    def case(self, node: Located, line: int, base: dict[str, Any], today: date | None,
             profile: dict[str, Any]) -> list[Case]:
        name = node["name"]
        where = f"case '{name}'"
        self.keys(node, CASE_KEYS, where)
        answers = node.get("answers") or {}
        if not isinstance(answers, Mapping):
            self.err(ErrorCode.TESTS_BAD_VALUE, node.line_of("answers"), where=where,
                     problem="`answers` is a mapping of field id -> answer")
            answers = {}
        expect = node.get("expect")
        if expect is not None and not isinstance(expect, Located):
            # said, and the rest of the case still read: every mistake in one run
            self.err(ErrorCode.TESTS_BAD_VALUE, node.line_of("expect"), where=where,
                     problem="`expect` is a mapping (errors, shown, recap...)")
            expect = None
        if expect is None:
            expect = Located()
            expect.line, expect.key_lines = line, {}
        dropped = expect.get("dropped") or []
        self.answer_ids(answers, node.line_of("answers"), name,
                        dropped if isinstance(dropped, list) else [])
        each = node.get("each")
        values: list[tuple[str | None, Any]] = [(None, None)]
        if each is not None:
            if (not isinstance(each, Mapping) or len(each) != 1
                    or not isinstance(next(iter(each.values())), list)):
                self.err(ErrorCode.TESTS_BAD_VALUE, node.line_of("each"), where=where,
                         problem="`each` is {field: [value, value, ...]}")
            else:
                (each_id, each_values), = each.items()
                self.answer_ids({each_id: None}, node.line_of("each"), name, [])
                values = [(each_id, v) for v in each_values]
        lang = node.get("lang", "fr")
        if lang not in LANGS:
            self.err(ErrorCode.TESTS_BAD_VALUE, node.line_of("lang"), where=where,
                     problem=f"`lang` is fr or en, not {lang!r}")
        self.expectations(expect, name)
        start = {} if node.get("base") is False else base
        case_today = self.when(node.get("today"), node.line_of("today"), where) or today
        case_profile = {**profile, **self.profile(node.get("profile"),
                                                  node.line_of("profile"), where)}
        runs = []
        for each_id, value in values:
            run_answers = {**start, **plain(answers)}
            label = name
            if each_id is not None:
                run_answers[each_id] = plain(value)
                label = f"{name} ({each_id}: {_flow(plain(value))})"
            runs.append(Case(name, label, line, run_answers, case_profile, case_today,
                             lang if lang in LANGS else "fr", expect))
        return runs

    def answer_ids(self, answers: Mapping[str, Any], line: int, case: str,
                   dropped: list[Any]) -> None:
        for key in answers:
            if key not in self.fields and key not in dropped:
                self.unknown(case, "the question", key, _line(answers, key, line))

    def unknown(self, case: str, what: str, ident: str, line: int) -> None:
        known = list(self.fields) + list(self.nested) + self.sections
        close = _closest(ident, known)
        hint = ""
        if ident in self.nested:
            group = self.nested[ident][0].id
            hint = (f" at the top level: it is asked in each item of '{group}', write "
                    f"{group}.<n>.{ident} (n from 0)")
        elif close:
            hint = f" (did you mean '{close[0]}'?)"
        self.err(ErrorCode.TESTS_UNKNOWN_ID, line, case=case, what=what, id=ident,
                 definition=self.d.id, hint=hint)

    def place(self, place: Any, line: int, case: str, sections_too: bool = False) -> None:
        """Report `place` unless it is a field id, "<group>.<n>.<field>" (and ".<part>"
        after either) or, with `sections_too`, a section id."""
        steps = str(place).split(".")
        if sections_too and len(steps) == 1 and steps[0] in self.sections:
            return
        f = self.fields.get(steps[0])
        if f is None:
            self.unknown(case, "the question", steps[0], line)
            return
        rest = steps[1:]
        if f.fields and rest:
            if not rest[0].isdigit() or len(rest) < 2:
                self.err(ErrorCode.TESTS_BAD_VALUE, line, where=f"case '{case}'",
                         problem=f"'{place}': a question of the repeating group '{f.id}' "
                                 f"is written {f.id}.<n>.<question> (n from 0)")
                return
            inner = {c.id: c for c in f.fields}
            if rest[1] not in inner:
                self.unknown(case, f"the question of '{f.id}'", rest[1], line)
                return
            f, rest = inner[rest[1]], rest[2:]
        if rest and (len(rest) > 1 or rest[0] not in f.kind.part_names(f)):
            parts = ", ".join(f.kind.part_names(f)) or "none"
            self.err(ErrorCode.TESTS_BAD_VALUE, line, where=f"case '{case}'",
                     problem=f"'{place}': '{'.'.join(rest)}' is no part of '{f.id}' "
                             f"(its parts: {parts})")

    def rule_name(self, place: Any, rule: str, line: int, where: str) -> None:
        """Report `rule` unless `place` (as `place` reads it) can give it: for a question,
        a rule of the engine or of its type (`rules_of`), a key of its `messages:`, or
        a section rule's id; for a section, `rule`, `type` or one of its rules' ids. A
        place that is not one was reported already."""
        steps = str(place).split(".")
        rule_ids = {r.id for s in self.d.sections for r in s.rules if r.id}
        f = self.fields.get(steps[0])
        if f is None:
            if steps[0] not in self.sections or len(steps) > 1:
                return
            known = {"rule", "type"} | rule_ids
        else:
            if f.fields and len(steps) >= 3:
                f = next((c for c in f.fields if c.id == steps[2]), None)
                if f is None:
                    return
            known = rules_of(f) | rule_ids
        if rule not in known:
            close = _closest(rule, sorted(known))
            self.err(ErrorCode.TESTS_BAD_VALUE, line, where=where,
                     problem=f"no rule `{rule}` can give an error there"
                             + (f" (did you mean `{close[0]}`?)" if close else "")
                             + ": one of " + ", ".join(sorted(known)))

    def section_ids(self, ids: Any, line: int, case: str) -> None:
        for s in ids:
            if s not in self.sections:
                self.unknown(case, "the section", s, line)

    def expectations(self, expect: Located, case: str) -> None:
        where = f"case '{case}', `expect`"
        self.keys(expect, EXPECT_KEYS, where)
        for key in expect:
            value, line = expect[key], expect.line_of(key)
            shape = _SHAPES.get(key)
            if shape is not None and not isinstance(value, shape[0]):
                self.err(ErrorCode.TESTS_BAD_VALUE, line, where=f"{where}, `{key}`",
                         problem=shape[1])
                continue
            if key == "errors":
                for place, rules in value.items():
                    at = _line(value, place, line)
                    self.place(place, at, case, sections_too=True)
                    for rule in rules if isinstance(rules, list) else [rules]:
                        if isinstance(rule, Mapping):
                            self.keys(rule, ERROR_KEYS, f"{where}, the error of {place}")
                            rule = rule.get("rule")
                        if not isinstance(rule, str):
                            self.err(ErrorCode.TESTS_BAD_VALUE, at,
                                     where=f"{where}, the error of {place}",
                                     problem="name its rule (required, pattern...), or "
                                             "write {rule: ..., message: ...}")
                        else:
                            self.rule_name(place, rule, at, f"{where}, the error of {place}")
            elif key == "sections":
                self.section_ids(value, line, case)
                for s, status in value.items():
                    if status not in {st.value for st in SectionStatus}:
                        self.err(ErrorCode.TESTS_BAD_VALUE, _line(value, s, line),
                                 where=f"{where}, `sections`",
                                 problem=f"{status!r} is none of "
                                         + ", ".join(st.value for st in SectionStatus))
            elif key in STATUS_LISTS:
                self.section_ids(value, line, case)
            elif key in ("shown", "hidden", "recap", "kept", "prefilled"):
                for place in value:
                    self.place(place, _line(value, place, line), case)


_SHAPES: dict[str, tuple[type | tuple[type, ...], str]] = {
    "errors": (Mapping, "a mapping {field: rule}"),
    "no_errors": (bool, "true or false"),
    "sections": (Mapping, "a mapping {section: status}"),
    **{k: (list, "a list of section ids") for k in STATUS_LISTS},
    "shown": (list, "a list of question ids"),
    "hidden": (list, "a list of question ids"),
    "recap": (Mapping, "a mapping {field: text as the recap shows it}"),
    "kept": ((list, Mapping), "a list of ids, or a mapping {id: value as stored}"),
    "dropped": (list, "a list of ids"),
    "eligible": (bool, "true or false"),
    "prefilled": ((list, Mapping), "a list of ids, or a mapping {id: answer}"),
}


def rules_of(f: Field) -> set[str]:
    """The rules whose error a question can give, as a case's `expect.errors` names them:
    the engine's own (validate.DEFAULT_MESSAGES, the JSON Schema keywords' message keys,
    the registered keywords' such as check_digit), its type's (its default messages,
    its required rule, its clauses such as a date's min and max), and the keys of its
    `messages:`. Generous on purpose: a rule its type never gives fails the case, it is
    no spelling mistake."""
    return ({"rule", "format"} | set(DEFAULT_MESSAGES) | set(KEYWORD_MESSAGE.values())
            | set(compare.KEYWORD_MESSAGES.values()) | set(f.kind.messages)
            | {f.kind.required_rule} | {key for key, _ in f.kind.clauses(f)}
            | set(f.messages))


def _line(node: Any, key: Any, default: int) -> int:
    return node.line_of(key) if isinstance(node, Located) else default


def _closest(word: str, known: list[str] | tuple[str, ...]) -> list[str]:
    """The known words close enough to `word` for a "did you mean", closest first."""
    return get_close_matches(str(word), list(known), n=1, cutoff=0.75)


def load_tests(compiled: CompiledDefinition, text: str, path: str
               ) -> tuple[list[Case], list[DesignerError]]:
    """The runs of a tests file's cases (YAML `text`, named `path` in errors) for
    `compiled`, and every mistake in the file (TESTS_* and YAML_SYNTAX at `path:line`,
    sorted by line); when there is a mistake, the runs are not to be trusted."""
    reader = _Reader(compiled, path)
    runs = reader.read(text)
    return runs, sorted(reader.errors, key=lambda e: (e.line, e.message))


def tests_file_mistakes(compiled: CompiledDefinition, definition: str | Path
                        ) -> list[DesignerError]:
    """The mistakes of the tests file beside `definition` (`load_tests`), for
    `guichet check`; [] when it has none or there is no tests file. One that cannot be
    read, or is not UTF-8, gives that one error (`pipeline.read_source`)."""
    path = tests_path(definition)
    if not path.exists():
        return []
    return read_tests(compiled, path)[1]


def read_tests(compiled: CompiledDefinition, path: str | Path
               ) -> tuple[list[Case], list[DesignerError]]:
    """`load_tests` of the tests file at `path`, read as every designer's file is
    (`pipeline.read_source`): a file that cannot be read, or is not UTF-8, gives no run
    and that one error."""
    text, problem = read_source(path)
    if problem is not None:
        return [], [problem]
    return load_tests(compiled, text, str(path))


# --- running a case ----------------------------------------------------------------------


@contextmanager
def _today(on: date | None) -> Iterator[None]:
    if on is None:
        yield
        return
    previous = compare.use_today(lambda: on)
    try:
        yield
    finally:
        compare.use_today(previous)


def _flow(value: Any) -> str:
    """`value` written as YAML flow ({a: b, c: [d]}), to copy into a tests file."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, str) and (re.search(r"[:#{}\[\],&*!|>'\"%@`]|^\s|\s$|^$", value)
                                   or _ODD_SPACE.search(value) or _read_as(value) != value):
        quoted = value.replace("\\", "\\\\").replace('"', '\\"')
        # a no-break space looks like a space: written \u00a0, as YAML reads it back
        return '"' + _ODD_SPACE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted) + '"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _read_as(text: str) -> Any:
    """What YAML reads a plain (unquoted) `text` as: itself, or a number, a boolean..."""
    try:
        return yaml.safe_load(text)
    except (yaml.YAMLError, ValueError):  # "2027-02-30": a timestamp of no real day
        return None


def _rule_id(compiled: CompiledDefinition, e: FieldError) -> str | None:
    for r in compiled.sections[e.section].section.rules:
        if r.message is e.message:
            return r.id
    return None


def _lookup(answers: Mapping[str, Any], place: str) -> tuple[bool, Any]:
    """(present, value) of a field id or "<group>.<n>.<field>" in cleaned answers."""
    steps = place.split(".")
    value: Any = answers
    for step in steps:
        if isinstance(value, Mapping) and step in value:
            value = value[step]
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return False, None
    return True, value


class _Run:
    """One case run: the engine's answers to it, computed once, and its failures."""

    def __init__(self, compiled: CompiledDefinition, case: Case, path: str) -> None:
        self.compiled, self.case, self.path = compiled, case, path
        self.d = compiled.definition
        self.cleaned = clean(compiled, case.answers)
        self.errors = validate(compiled, case.answers)
        self.failures: list[DesignerError] = []

    def fail(self, key: str, expected: str, got: str) -> None:
        self.failures.append(error(ErrorCode.TEST_FAILED, self.path,
                                   self.case.expect.line_of(key), case=self.case.label,
                                   expected=expected, got=got))

    def check(self) -> list[DesignerError]:
        expect = self.case.expect
        if expect.get("no_errors") is True and "errors" not in expect:
            self.check_errors("no_errors", {})
        if "errors" in expect:
            self.check_errors("errors", expect["errors"])
        statuses: dict[str, str] = {}
        for key, status in STATUS_LISTS.items():
            statuses.update({s: status.value for s in expect.get(key, [])})
        if "sections" in expect:
            statuses.update(expect["sections"])
        for s, status in statuses.items():
            got = section_status(self.compiled, s, self.cleaned).value
            if got != status:
                key = next((k for k in ("sections", *STATUS_LISTS)
                            if s in (expect.get(k) or ())), "sections")
                self.fail(key, f"the section '{s}' {status}", got)
        for key, want in (("shown", True), ("hidden", False)):
            for place in expect.get(key, []):
                if self.shown(place) != want:
                    self.fail(key, f"'{place}' {key}", "hidden" if want else "shown")
        if "recap" in expect:
            self.check_recap(expect["recap"])
        self.check_kept(expect)
        if "eligible" in expect:
            self.check_eligible(expect["eligible"])
        if "prefilled" in expect:
            self.check_prefilled(expect["prefilled"])
        return self.failures

    def check_errors(self, key: str, expected: Mapping[str, Any]) -> None:
        got: dict[str, list[FieldError]] = {}
        for e in self.errors:
            got.setdefault(e.path or e.section, []).append(e)
        shown = {k: [self.name(e) for e in es] for k, es in got.items()}
        wanted = {k: [r.get("rule") if isinstance(r, Mapping) else r
                      for r in (v if isinstance(v, list) else [v])]
                  for k, v in expected.items()}
        same = set(wanted) == set(got) and all(
            sorted(self.matches(e, wanted[k]) for e in got[k]) == sorted(wanted[k])
            for k in got)
        if not same:
            self.fail(key, f"errors {_flow(plain(expected)) if expected else '{}'}",
                      _flow({k: v[0] if len(v) == 1 else v for k, v in shown.items()}))
            return
        for k, v in expected.items():
            for r in v if isinstance(v, list) else [v]:
                if not isinstance(r, Mapping) or "message" not in r:
                    continue
                e = next(e for e in got[k] if self.matches(e, [r["rule"]]) == r["rule"])
                text = e.message.get(self.case.lang)
                if str(r["message"]) not in text:
                    self.fail(key, f"the message of {k} to contain {_flow(str(r['message']))}",
                              _flow(text))

    def name(self, e: FieldError) -> str:
        """How an error is written in a case: its kind, or a named rule's id."""
        if e.kind == "rule":
            return _rule_id(self.compiled, e) or "rule"
        return e.kind

    def matches(self, e: FieldError, wanted: list[Any]) -> str:
        """The name in `wanted` that `e` answers to (its kind; a rule's id or "rule"),
        else its own name."""
        names = [e.kind] + ([r] if e.kind == "rule" and (r := _rule_id(self.compiled, e))
                            else [])
        return next((w for w in wanted if w in names), self.name(e))

    def shown(self, place: str) -> bool:
        steps = place.split(".")
        f = self.d.all_fields()[steps[0]]
        section = next(s for s in self.d.sections if s.field(f.id) is f)
        if not section_shown(self.compiled, section, self.cleaned):
            return False
        check = self.compiled.shown_when.get(f.id)
        if check is not None and not check.is_valid(self.cleaned):
            return False
        if f.fields and len(steps) >= 3:
            items = items_of(self.cleaned.get(f.id))
            index = int(steps[1])
            if index >= len(items):
                return False
            return steps[2] in {c.id for c in visible_item_fields(self.compiled, f,
                                                                  items[index], self.cleaned)}
        return True

    def check_recap(self, expected: Mapping[str, Any]) -> None:
        recap = build_recap(self.compiled, self.case.answers, self.case.lang)
        shown: dict[str, str] = {}
        for s in recap.sections:
            for item in s.items:
                shown[item.field] = item.value
                for n, group in enumerate(item.groups):
                    shown.update({f"{item.field}.{n}.{i.field}": i.value for i in group.items})
        for place, text in expected.items():
            got = shown.get(place)
            if got != (None if text is None else str(text)):
                self.fail("recap", f"the recap of {place} "
                                   + ("absent" if text is None else _flow(str(text))),
                          "absent" if got is None else _flow(got))

    def check_kept(self, expect: Located) -> None:
        kept = expect.get("kept", [])
        pairs = kept.items() if isinstance(kept, Mapping) else ((k, ...) for k in kept)
        for place, value in pairs:
            present, got = _lookup(self.cleaned, str(place))
            if not present:
                self.fail("kept", f"{place} kept", "dropped")
            elif value is not ... and got != plain(value):
                self.fail("kept", f"{place} kept as {_flow(plain(value))}", _flow(got))
        for place in expect.get("dropped", []):
            present, got = _lookup(self.cleaned, str(place))
            if present:
                self.fail("dropped", f"{place} dropped", f"kept as {_flow(got)}")

    def check_eligible(self, want: bool) -> None:
        born = self.case.profile.get("birth_date")
        birth = date.fromisoformat(born) if isinstance(born, str) and _DATE.match(born) else None
        failures = eligibility_failures(self.d, birth, compare.today())
        if (not failures) != want:
            got = "; ".join(m.get(self.case.lang) for m in failures) or "eligible"
            self.fail("eligible", "eligible" if want else "not eligible", _flow(got))

    def check_prefilled(self, expected: Any) -> None:
        fields = self.d.all_fields()
        pairs = expected.items() if isinstance(expected, Mapping) else (
            (k, ...) for k in expected)
        for place, value in pairs:
            f = fields[str(place).split(".")[0]]
            got = None if f.id in self.cleaned else f.kind.prefill(f, self.case.profile)
            if got is None:
                self.fail("prefilled", f"{place} prefilled", "nothing")
            elif value is not ... and got != plain(value):
                self.fail("prefilled", f"{place} prefilled with {_flow(plain(value))}",
                          _flow(got))


def run_case(compiled: CompiledDefinition, case: Case, path: str) -> list[DesignerError]:
    """The TEST_FAILED errors of one case run (at `path`, the line of the failing
    `expect` key): [] when every expectation holds. `case.today` is the service's
    date during the run."""
    with _today(case.today):
        return _Run(compiled, case, path).check()


# --- coverage -----------------------------------------------------------------------------


@dataclass
class _Seen:
    outcomes: dict[tuple[str, ...], set[bool]] = field(default_factory=dict)
    # (field id, message key) and (field id, "line <n>" of the designer's message given)
    given: set[tuple[str, str]] = field(default_factory=set)
    rules: set[int] = field(default_factory=set)  # id() of the rules broken


def _observe(compiled: CompiledDefinition, case: Case, seen: _Seen) -> None:
    """Record which conditions `case` makes true or false, and which messages and
    rules it gives (only when the case checks errors)."""
    with _today(case.today):
        cleaned = clean(compiled, case.answers)
        d = compiled.definition

        def note(key: tuple[str, ...], check: CompiledCondition | None, answers: Any) -> None:
            if check is not None:
                seen.outcomes.setdefault(key, set()).add(check.is_valid(answers))

        for s in d.sections:
            note(("section", s.id), compiled.section_shown_when.get(s.id), cleaned)
            if not section_shown(compiled, s, cleaned):
                continue
            for f in s.fields:
                note(("field", f.id), compiled.shown_when.get(f.id), cleaned)
                for o in f.options:
                    note(("option", f.id, o.value), compiled.offered_when.get((f.id, o.value)),
                         cleaned)
                for item in items_of(cleaned.get(f.id)):
                    scope = item_scope(cleaned, item)
                    for c in f.fields:
                        note(("field", c.id), compiled.shown_when.get(c.id), scope)
                        for o in c.options:
                            note(("option", c.id, o.value),
                                 compiled.offered_when.get((c.id, o.value)), scope)
        if "errors" not in case.expect and "no_errors" not in case.expect:
            return
        for e in validate(compiled, case.answers):
            if e.kind == "rule":
                rule = next(r for r in compiled.sections[e.section].section.rules
                            if r.message is e.message)
                seen.rules.add(id(rule))
            elif e.field is not None:
                where = e.item[1] if e.item else e.field
                seen.given.add((where, e.kind))
                if e.message.line:  # a designer's message (filled or not) keeps its line
                    seen.given.add((where, f"line {e.message.line}"))


def coverage(compiled: CompiledDefinition, cases: list[Case], tests: str
             ) -> list[DesignerError]:
    """TEST_NOT_COVERED errors, at the definition's lines, for what no case of `cases`
    exercises: a `when` (of a question, an option or a section) never true or never
    false, a section rule never broken, a question's `messages:` entry never given by a
    case that checks errors (upload refusals left out). `tests` names the tests file in
    the messages. [] when everything is covered."""
    d = compiled.definition
    seen = _Seen()
    for case in cases:
        _observe(compiled, case, seen)
    gaps: list[DesignerError] = []

    def gap(line: int, what: str) -> None:
        gaps.append(error(ErrorCode.TEST_NOT_COVERED, d.path, line, what=what, tests=tests))

    def both(key: tuple[str, ...], line: int, true: str, false: str) -> None:
        got = seen.outcomes.get(key, set())
        if True not in got:
            gap(line, true)
        if False not in got:
            gap(line, false)

    for s in d.sections:
        if s.when is not None:
            both(("section", s.id), s.when.line, f"shows the section '{s.id}'",
                 f"hides the section '{s.id}'")
        for top in s.fields:
            for f in (top, *top.fields):
                _field_gaps(f, seen, both, gap)
        for r in s.rules:
            if id(r) not in seen.rules:
                gap(r.line, f"breaks the rule '{r.id or r.message.en[:40]}' of '{s.id}'")
    return sorted(gaps, key=lambda e: (e.line, e.message))


def _field_gaps(f: Field, seen: _Seen, both: Any, gap: Any) -> None:
    if f.when is not None:
        both(("field", f.id), f.when.line, f"shows the question '{f.id}'",
             f"hides the question '{f.id}'")
    for o in f.options:
        if o.when is not None:
            both(("option", f.id, o.value), o.when.line,
                 f"offers the option '{o.value}' of '{f.id}'",
                 f"withholds the option '{o.value}' of '{f.id}'")
    for key, text in f.messages.items():
        if key in f.kind.upload_message_keys or (f.id, key) in seen.given or (
                text.line and (f.id, f"line {text.line}") in seen.given):
            continue
        if (key == "min_items" and (f.min_items or 1) <= 1
                and f.kind.required_rule != "min_items"):
            continue  # an empty list is no answer: "at least 1" is said by `required`
        gap(text.line or f.line, f"gives the message `{key}` of '{f.id}'")


# --- one definition ----------------------------------------------------------------------


def run_tests(definition: str | Path, tests: str | Path | None = None, *,
              with_coverage: bool = False) -> Outcome:
    """Check `definition`, read its tests file (default: `tests_path(definition)`) and run
    every case. Outcome.errors holds the definition's check errors, or the tests file's
    mistakes, and then nothing ran; Outcome.tests is None when there is no tests file.
    with_coverage: also fill Outcome.gaps (`coverage`). A file that cannot be read, or
    is not UTF-8, is one of Outcome.errors (`pipeline.read_source`), as `convert` says."""
    definition = Path(definition)
    path = Path(tests) if tests is not None else tests_path(definition)
    outcome = Outcome(definition, path if path.exists() else None)
    result = convert(definition)
    if not result.ok:
        outcome.errors = result.errors
        return outcome
    if outcome.tests is None:
        return outcome
    runs, mistakes = read_tests(result.compiled, path)
    if mistakes:
        outcome.errors = mistakes
        return outcome
    outcome.cases = len({r.line for r in runs})
    outcome.runs = len(runs)
    for run in runs:
        outcome.failures += run_case(result.compiled, run, str(path))
    if with_coverage:
        outcome.gaps = coverage(result.compiled, runs, path.name)
    return outcome
