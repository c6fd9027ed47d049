"""Load, check, build and compile definitions: the one entry point of the engine.

Like pyxform's ``convert()``, `convert` chains the stages and returns a small
result holding what each produced, so the CLI, the web app and the tests all
go through the same path.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from . import build
from .check import check_meaning, check_shape
from .compile import CompiledDefinition, compile_definition
from .errors import DefinitionError, DesignerError, ErrorCode, error
from .load import YamlSyntaxError, load_text
from .model import Definition

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
    returned in `Result.errors` (a YAML syntax error alone, else the shape's
    errors, else every semantic error). Raises jsonschema_rs.ValidationError
    (a ValueError) in the one case `compile.compile_definition` describes.
    The compiled definition carries `source_hash`, the sha256 of `text` (UTF-8),
    computed here once per load, never per request.
    """
    result = Result(path)
    try:
        data = load_text(text, path)
    except YamlSyntaxError as exc:
        problem = exc.problem
        if "got '?'" in problem:
            problem += " (a ' ?' inside {...} starts a key: put the text in quotes)"
        result.errors = [error(ErrorCode.YAML_SYNTAX, path, exc.line, problem=problem)]
        return result
    result.data = data
    result.errors = check_shape(data, path)
    if result.errors:
        return result
    result.definition = build.definition(data, path)
    result.errors = sorted(check_meaning(result.definition), key=lambda e: (e.line, e.message))
    if not result.errors:
        result.compiled = compile_definition(result.definition)
        result.compiled.source_hash = source_hash(text)
        result.compiled.source_text = text
        result.compiled.version_line = data.line_of("version")
    return result


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


def convert(path: str | Path) -> Result:
    """`convert_text` of a UTF-8 file; raises OSError when it cannot be read."""
    return convert_text(Path(path).read_text(encoding="utf-8"), str(path))


def forms_dir() -> Path:
    """The `forms/` folder installed with the package."""
    return Path(str(resources.files("forms")))


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
            found.extend(sorted(q for q in p.glob("*.yaml")
                                if not q.name.endswith(TESTS_SUFFIX)))
        elif p.name.endswith(TESTS_SUFFIX):
            found.append(p.with_name(p.name.removesuffix(TESTS_SUFFIX) + ".yaml"))
        else:
            found.append(p)
    return list(dict.fromkeys(found))


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
    """Compile every definition or raise DefinitionError listing all errors of all files.

    paths: as for `definition_paths` (None: the installed `forms/`). Also
    raises OSError for an unreadable file, and what `convert_text` raises.
    """
    results = [convert(p) for p in definition_paths(paths)]
    errors = [e for r in results for e in r.errors]
    if errors:
        raise DefinitionError(errors)
    return Registry([r.compiled for r in results if r.compiled])
