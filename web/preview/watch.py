"""The definition files the designer's preview shows, compiled again when they change.

The preview polls (web/preview/views.py asks `Workspace.entry` on every poll of the
page, about twice a second): a file's signature is its modification time and size,
read with one `stat`, so a save is seen at the next poll without a watcher thread or a
dependency. A file that changed is compiled again with the engine (`engine.convert`,
the same path as `guichet check`); the last good compile is kept next to the current
errors, so the page can read what the designer typed with the questions it was drawn
with. Nothing is published anywhere: the same version with new content is simply the
new content (the portal's "published version edited" protection is about a database
the preview never opens).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from engine import CompiledDefinition, DesignerError, convert_text
from engine.pipeline import definition_paths, read_source, tests_path
from web.preview.samples import Samples, read_samples

WORKSPACE = "guichet.preview"  # the preview app's extensions key of its Workspace
CONTEXT_LINES = 2  # lines shown before and after an error's line
log = logging.getLogger(__name__)


def tests_file(path: Path) -> Path | None:
    """The tests file of the definition at `path` (`<stem>.tests.yaml` next to it, the
    name `guichet test` reads), or None when there is none."""
    candidate = tests_path(path)
    return candidate if candidate.is_file() else None


def _signature(path: Path | None) -> str:
    """'<mtime_ns>-<size>' of `path`, "-" when it is missing or unreadable."""
    if path is None:
        return "-"
    try:
        st = path.stat()
    except OSError:
        return "-"
    return f"{st.st_mtime_ns}-{st.st_size}"


@dataclass(frozen=True)
class Excerpt:
    """Lines of a file around an error's line: (number, text) pairs, and the line marked."""

    line: int
    lines: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class ShownError:
    """One designer error as the preview shows it: "file:line: message", and the YAML
    lines around that line."""

    error: DesignerError
    excerpt: Excerpt


@dataclass
class Entry:
    """One definition file under preview: its `key` (its address in the preview), its
    path, the signature its state was computed from (`generation`: the file's and its
    tests file's), the compiled definition (None while it has errors), the last good
    one, and every error of the current text; `samples`: its tests file's cases, read
    with them (`read_samples`); `failure`: what the engine raised
    reading it ("ExceptionType: first line of its message"; "" when it did not), the
    file then having no compiled definition and no error listed."""

    key: str
    path: Path
    generation: str = ""
    compiled: CompiledDefinition | None = None
    last_good: CompiledDefinition | None = None
    errors: list[ShownError] = field(default_factory=list)
    failure: str = ""
    samples: Samples = field(default_factory=Samples)

    @property
    def title(self) -> str:
        """The definition's French title, else its file name."""
        shown = self.compiled or self.last_good
        return shown.definition.title.get("fr") if shown is not None else self.path.name

    @property
    def tests(self) -> Path | None:
        """Its tests file (`tests_file`), if any."""
        return tests_file(self.path)


def excerpt(text: str, line: int, context: int = CONTEXT_LINES) -> Excerpt:
    """The lines of `text` from `line - context` to `line + context` (1-based, clipped
    to the file), each with its number; `line` past the end marks the last line."""
    lines = text.splitlines()
    line = max(1, min(line, len(lines)))  # an error at the end of the file: its last line
    first, last = max(1, line - context), min(len(lines), line + context)
    return Excerpt(line, tuple((n, lines[n - 1]) for n in range(first, last + 1)))


def failure(exc: BaseException) -> str:
    """"ExceptionType: first line of its message" (the type alone for an empty message)."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def _compile(entry: Entry) -> None:
    """Compile `entry`'s file again: its compiled definition, or its errors with their
    excerpts (a file that cannot be read or is not UTF-8: the engine's one error), or
    what the engine raised (`Entry.failure`, logged with its traceback): any exception
    stays in its entry."""
    entry.failure = ""
    text, unreadable = read_source(entry.path)
    if text is None:  # not UTF-8, or gone: the engine's own error, at its line
        entry.compiled = None
        entry.errors = [ShownError(unreadable, Excerpt(unreadable.line, ()))]
        return
    try:
        result = convert_text(text, str(entry.path))
    except Exception as exc:  # noqa: BLE001 - one file the engine fails on stays one entry
        log.exception("preview: the engine failed on %s", entry.path)
        entry.compiled, entry.errors, entry.failure = None, [], failure(exc)
        return
    entry.compiled = result.compiled
    if result.compiled is not None:
        entry.last_good = result.compiled
    entry.errors = [ShownError(e, excerpt(text, e.line)) for e in result.errors]


def _read_samples(entry: Entry) -> Samples:
    """The cases of `entry`'s tests file, read for its definition (the last good one
    while the file has errors); none, and why, when the reader raised."""
    try:
        return read_samples(entry.compiled or entry.last_good, entry.tests)
    except Exception as exc:  # noqa: BLE001 - a tests file the reader fails on: no samples
        log.exception("preview: the tests file of %s failed", entry.path)
        return Samples(problems=(f"{entry.tests}: could not be read: {failure(exc)}",))


class Workspace:
    """The definition files under the preview's paths (files, or folders whose *.yaml
    files are read, tests files left out), each compiled when first asked and again
    whenever it changed. Safe to use from the server's threads."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = list(paths)
        self._entries: dict[Path, Entry] = {}
        self._lock = threading.Lock()

    def files(self) -> list[Path]:
        """The definition files under the paths now, in order (a folder is read again on
        every call: a file added appears)."""
        return definition_paths(self.paths)

    def _keys(self) -> dict[str, Path]:
        """key -> file: the file's stem, made unique by "-2", "-3"... in order."""
        keys: dict[str, Path] = {}
        for p in self.files():
            key, n = p.stem, 1
            while key in keys:
                n += 1
                key = f"{p.stem}-{n}"
            keys[key] = p
        return keys

    def entries(self) -> list[Entry]:
        """Every definition under the paths, each up to date (the folders read once)."""
        return [self._up_to_date(k, p) for k, p in self._keys().items()]

    def entry(self, key: str) -> Entry | None:
        """The definition file at `key`, compiled again if it (or its tests file) changed
        since last asked; None for an unknown key."""
        path = self._keys().get(key)
        return self._up_to_date(key, path) if path is not None else None

    def _up_to_date(self, key: str, path: Path) -> Entry:
        with self._lock:
            entry = self._entries.get(path)
            if entry is None or entry.key != key:
                entry = self._entries[path] = Entry(key, path)
            # read before compiling: a save during the compile is seen at the next poll
            generation = f"{_signature(path)}:{_signature(entry.tests)}"
            if generation != entry.generation:
                _compile(entry)
                entry.samples = _read_samples(entry)
                entry.generation = generation
            return entry
