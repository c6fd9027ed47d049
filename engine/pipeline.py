"""Load, check, build and compile definitions: the one entry point of the engine.

Like pyxform's ``convert()``, `convert` chains the stages and returns a small
result holding what each produced, so the CLI, the web app and the tests all
go through the same path.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from . import build
from .check import check_meaning, check_shape
from .compile import CompiledDefinition, compile_definition
from .errors import DefinitionError, DesignerError, ErrorCode, error
from .load import MAX_CHARS, MAX_DEPTH, MAX_VALUES, Located, YamlSyntaxError, load_text
from .model import Definition
from .placeholders import MESSAGE
from .prune import shape_valid_part

# a form's tests file beside its definition (forms/<id>.tests.yaml): never a definition
TESTS_SUFFIX = ".tests.yaml"


@dataclass
class Result:
    """What `convert` made of one file: each stage's product, or the designer errors.

    data: the loaded YAML (`load.Located` mappings, with the line of every key),
    set once the file parsed; definition: set once the shape passed; compiled:
    set only when there are no errors; errors: sorted by line, [] when the file
    is usable.
    """

    path: str
    data: Any = None
    definition: Definition | None = None
    compiled: CompiledDefinition | None = None
    errors: list[DesignerError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the definition has no error (then `compiled` is set)."""
        return not self.errors


def convert_text(text: str, path: str = "<string>") -> Result:
    """Load, check, build and compile a definition given as YAML text.

    path: names the file in errors. Designer mistakes do not raise: they are
    returned in `Result.errors`, sorted by line: a YAML syntax error alone, else every
    shape error and every meaning error together. When the shape has errors, the
    meaning checks run on the parts that passed (`prune.shape_valid_part`; `definition`
    stays None) and their errors about a part left out are dropped. Raises
    jsonschema_rs.ValidationError (a ValueError) in the one case
    `compile.compile_definition` describes.
    The compiled definition carries `source_hash`, the sha256 of `text` (UTF-8),
    computed here once per load, never per request.
    """
    result = Result(path)
    try:
        data = load_text(text, path)
    except YamlSyntaxError as exc:
        result.errors = [syntax_error(exc, text, path)]
        return result
    result.data = data
    shape = check_shape(data, path)
    if shape:
        part = shape_valid_part(data, path) if isinstance(data, dict) else None
        meaning = []
        if part is not None:
            definition, left_out = part
            meaning = [e for e in check_meaning(definition) if not e.about & left_out
                       and not _follows_a_left_out_transition(e, data, definition)]
        result.errors = sorted(shape + meaning, key=lambda e: (e.line, e.message))
        return result
    result.definition = build.definition(data, path)
    result.errors = sorted(check_meaning(result.definition), key=lambda e: (e.line, e.message))
    if not result.errors:
        result.compiled = compile_definition(result.definition)
        result.compiled.source_hash = source_hash(text)
        result.compiled.source_text = text
        result.compiled.version_line = data.line_of("version")
    return result


def _follows_a_left_out_transition(e: DesignerError, data: Any,
                                   definition: Definition) -> bool:
    """Whether `e` is a workflow-wide judgment (a state unreachable, a message's
    placeholder no poster fills) made while a transition was left out of `definition`
    for a shape error (a misspelt `by: agnet`...): the real error is that one, and these
    would only be its side effects, so they are not shown."""
    if e.code not in (ErrorCode.UNREACHABLE_STATE, ErrorCode.PLACEHOLDER_NOT_FILLED_BY,
                      ErrorCode.UNKNOWN_PLACEHOLDER):
        return False
    if e.code is ErrorCode.UNKNOWN_PLACEHOLDER and MESSAGE.where not in e.message:
        return False
    workflow = data.get("workflow") if isinstance(data, dict) else None
    written = workflow.get("transitions") if isinstance(workflow, dict) else None
    if not isinstance(written, list):
        return False
    kept = {t.id for t in definition.workflow.transitions}
    return any(isinstance(t, dict) and t.get("id") not in kept for t in written)


def syntax_error(exc: YamlSyntaxError, text: str, path: str) -> DesignerError:
    """The designer error for a YAML file `load.load_text` refused (`text`, named `path`):
    YAML_TOO_DEEP or YAML_TOO_BIG past the loader's limits; YAML_CONTROL_CHARACTER for a
    character such as NUL; YAML_TAB for a tab where
    YAML wants an indentation of spaces; YAML_ESCAPE, with the double-quoted text of
    that line written in single quotes, for an unknown escape such as the `\\d` of a
    pattern in double quotes; else YAML_SYNTAX. At `exc.line`."""
    if exc.limit == "depth":
        return error(ErrorCode.YAML_TOO_DEEP, path, exc.line, limit=MAX_DEPTH)
    if exc.limit == "values":
        return error(ErrorCode.YAML_TOO_BIG, path, exc.line, limit=MAX_VALUES)
    if exc.limit == "size":
        return error(ErrorCode.YAML_TOO_LONG, path, 1, size=int(exc.problem),
                     limit=MAX_CHARS)
    if exc.limit == "character":
        return error(ErrorCode.YAML_CONTROL_CHARACTER, path, exc.line, problem=exc.problem)
    problem = exc.problem
    if "found character '\\t'" in problem:
        return error(ErrorCode.YAML_TAB, path, exc.line)
    if "got '?'" in problem:
        problem += " (a ' ?' inside {...} starts a key: put the text in quotes)"
    if "unknown escape" in problem:
        lines = text.splitlines()
        source = lines[exc.line - 1] if 0 < exc.line <= len(lines) else ""
        quoted = [q for q in _DOUBLE_QUOTED.findall(source) if "\\" in q] or ["^\\d{9}$"]
        single = "'" + quoted[0].replace("'", "''") + "'"
        return error(ErrorCode.YAML_ESCAPE, path, exc.line, problem=problem,
                     single_quoted=single)
    return error(ErrorCode.YAML_SYNTAX, path, exc.line, problem=problem)


_DOUBLE_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def source_hash(text: str) -> str:
    """The sha256 of a definition's YAML text encoded as UTF-8, as 64 lower-case hex
    digits: the same text always gives the same hash, on every server."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def republished_error(compiled: CompiledDefinition) -> DesignerError:
    """The designer error for a file whose (id, version) is already published with
    another text: at the file's `version:` line, "version N of <id> is already published
    with other content: increase `version`" (issue 14: published versions never change).
    """
    d = compiled.definition
    return error(ErrorCode.REPUBLISHED, d.path, compiled.version_line or d.line,
                 version=d.version, id=d.id)


def read_source(path: str | Path) -> tuple[str | None, DesignerError | None]:
    """(text, None) of a UTF-8 file (a leading byte order mark dropped), else (None, the
    designer error): FILE_UNREADABLE at line 1 when the file cannot be read (missing, a
    folder, no permission), NOT_UTF8 at the line of the first byte that is not UTF-8
    (a file saved as Latin-1 or Windows-1252). The one reading of a designer's file
    (definitions and tests files), so every command says the same."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return None, error(ErrorCode.FILE_UNREADABLE, str(path), 1,
                           problem=exc.strerror or type(exc).__name__)
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a BOM some Windows editors write
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[start:exc.start].decode("utf-8", "replace")) + 1
        return None, error(ErrorCode.NOT_UTF8, str(path), raw.count(b"\n", 0, exc.start) + 1,
                           byte=f"0x{raw[exc.start]:02x}", column=column)


def convert(path: str | Path) -> Result:
    """`convert_text` of a UTF-8 file (`read_source`: a leading byte order mark is
    dropped). Never raises for the file itself: a file that cannot be read, or is not
    UTF-8, gives a Result whose one error says so (FILE_UNREADABLE, NOT_UTF8 at the
    line of the first bad byte)."""
    text, problem = read_source(path)
    if problem is not None:
        return Result(str(path), errors=[problem])
    return convert_text(text, str(path))


def forms_dir() -> Path:
    """The `forms/` folder installed with the package."""
    return Path(str(resources.files("forms")))


def is_tests_file(path: str | Path) -> bool:
    """Whether `path` names a tests file (`<id>.tests.yaml`), never a definition."""
    return Path(path).name.endswith(TESTS_SUFFIX)


def tests_path(definition: str | Path) -> Path:
    """The tests file beside a definition: forms/x.yaml -> forms/x.tests.yaml."""
    p = Path(definition)
    return p.with_name(p.name.removesuffix(".yaml") + TESTS_SUFFIX)


def definition_path(tests: str | Path) -> Path:
    """The definition a tests file is about: forms/x.tests.yaml -> forms/x.yaml."""
    p = Path(tests)
    return p.with_name(p.name.removesuffix(TESTS_SUFFIX) + ".yaml")


def definition_paths(paths: list[str | Path] | None = None) -> list[Path]:
    """The definition files to load, each once: each given file as is, each given
    folder's `*.yaml` files sorted by name (not recursive); None means `forms_dir()`.
    A tests file (`<id>.tests.yaml`, engine.formtests: cases, never a definition) is
    left out of a folder, and given by name stands for its definition (`<id>.yaml`), so
    `guichet check forms/*.yaml` checks each definition once."""
    found: list[Path] = []
    for p in paths or [forms_dir()]:
        p = Path(p)
        if p.is_dir():
            found.extend(sorted(q for q in p.glob("*.yaml") if not is_tests_file(q)))
        elif is_tests_file(p):
            found.append(definition_path(p))
        else:
            found.append(p)
    return list(dict.fromkeys(found))


def duplicate_types(results: list[Result], *, versions_apart: bool = False
                    ) -> list[DesignerError]:
    """The errors of files (`convert` results, in the order given) that repeat an earlier
    file's dossier type id, each at its own `id:` line naming the earlier file.

    The rule: a set of definitions to serve (a forms folder, `load_registry`) holds one
    file per type, its newest version; older versions live in the database, never side
    by side in forms/. So by default any second file with an id already seen is
    DUPLICATE_TYPE. versions_apart=True (`guichet check`, where an older version may be
    given on the command line for the migration checks) allows a second file of a type
    only from another folder and with another `version`: the same folder is still
    DUPLICATE_TYPE, the same version DUPLICATE_VERSION. Files whose id could not be read
    are skipped (they have their own errors)."""
    seen: dict[str, list[Result]] = {}
    errors: list[DesignerError] = []
    for r in results:
        if not isinstance(r.data, Located) or not isinstance(r.data.get("id"), str):
            continue
        type_id = r.data["id"]
        for other in seen.get(type_id, []):
            where = dict(path=r.path, line=r.data.line_of("id"), id=type_id,
                         first=other.path, first_line=other.data.line_of("id"))
            if not versions_apart or Path(other.path).parent == Path(r.path).parent:
                errors.append(error(ErrorCode.DUPLICATE_TYPE, **where))
                break
            if other.data.get("version") == r.data.get("version"):
                errors.append(error(ErrorCode.DUPLICATE_VERSION,
                                    version=r.data.get("version"), **where))
                break
        seen.setdefault(type_id, []).append(r)
    return errors


class Registry:
    """Every compiled dossier type, by id, in a stable order.

    `registry[type_id]` raises KeyError for an unknown id; iterating gives the
    CompiledDefinitions in the order they were loaded.
    """

    def __init__(self, compiled: list[CompiledDefinition]) -> None:
        self._by_id = {c.id: c for c in compiled}

    def __getitem__(self, type_id: str) -> CompiledDefinition:
        return self._by_id[type_id]

    def get(self, type_id: str) -> CompiledDefinition | None:
        """The compiled dossier type with that id, or None."""
        return self._by_id.get(type_id)

    def __iter__(self):
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def ids(self) -> list[str]:
        """Every dossier type id, in load order."""
        return list(self._by_id)


def load_registry(paths: list[str | Path] | None = None) -> Registry:
    """Compile every definition or raise DefinitionError listing all errors of all files
    (two files of one type id are an error: `duplicate_types`).

    paths: as for `definition_paths` (None: the installed `forms/`); a file that
    cannot be read or is not UTF-8 is one of the errors (`convert`). Also raises what
    `convert_text` raises.
    """
    results = [convert(p) for p in definition_paths(paths)]
    errors = [e for r in results for e in r.errors] + duplicate_types(results)
    if errors:
        raise DefinitionError(errors)
    return Registry([r.compiled for r in results if r.compiled])
