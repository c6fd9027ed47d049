"""Load a definition file with the line of every mapping and key kept.

Designers fix what they can find: every later error points at ``file:line``,
so the loader records where each mapping, key and list item started. Only
PyYAML's safe constructors are used; no tag can build a Python object.
"""

from __future__ import annotations

from typing import Any

import yaml


def _spelled_bool(value: object, node: yaml.Node) -> str | None:
    """The source text of an unquoted scalar YAML 1.1 read as a boolean (`on`, `Off`,
    `yes`, `NO`, `True`...), else None. PyYAML's SafeLoader reads
    yes/no/on/off/true/false in lower, Capitalised or UPPER case as booleans; `y` and
    `n` stay strings."""
    if isinstance(value, bool) and isinstance(node, yaml.ScalarNode) and not node.style:
        return node.value
    return None


def _block_lines(node: yaml.Node) -> tuple[tuple[int, str], ...]:
    """The source lines of a block scalar (`|` or `>`) as (1-based line, text), from
    its header line on; () for another node or when the source is not at hand."""
    start, end = node.start_mark, node.end_mark
    if not isinstance(node, yaml.ScalarNode) or node.style not in ("|", ">") \
            or not isinstance(start.buffer, str):
        return ()
    source = start.buffer[start.index:end.index].split("\n")
    return tuple((start.line + 1 + i, text) for i, text in enumerate(source))


class Located(dict):
    """A YAML mapping that remembers its own line and the line of each key.

    spelled_bools: key -> the source word of a value YAML read as a boolean from
    on/off/yes/no/true/false (`_spelled_bool`), so the checker can say "`on` was read as
    yes/no" where a text was expected; spelled_lines: key -> the 1-based line of that
    word as written (an anchor's line for its aliases, so it is told once);
    block_lines: key -> the source lines, as (1-based line, text), of a value written
    as a block scalar (`|` or `>`), so an error inside it is told at its own line.
    """

    line: int
    key_lines: dict[str, int]
    spelled_bools: dict[str, str]
    spelled_lines: dict[str, int]
    block_lines: dict[str, tuple[tuple[int, str], ...]]

    def line_of(self, key: str) -> int:
        """The 1-based line of `key`; the mapping's own line when it has no such key."""
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    """A YAML sequence that remembers its own line and the line of each item
    (`spelled_bools`, `spelled_lines`: item index -> source word, its line, as for
    `Located`)."""

    line: int
    item_lines: list[int]
    spelled_bools: dict[int, str]
    spelled_lines: dict[int, int]

    def line_of(self, index: int) -> int:
        """The 1-based line of item `index`; the sequence's own line when out of range."""
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


# Bounds on what a file may expand to: far above any definition (the shipped ones nest
# about 12 levels and hold a few thousand values), far below what would exhaust Python's
# stack in a recursive stage (composing, constructing, checking, pruning, `plain`...)
# or the memory of the server (aliases repeating anchors, the "billion laughs").
MAX_DEPTH = 64
MAX_VALUES = 200_000
# characters: twenty times the largest shipped definition (about 45,000), refused before
# PyYAML reads it (a 20,000-question file took 25 s to be refused for its values)
MAX_CHARS = 1_000_000


class _Limit(yaml.composer.ComposerError):
    """A file past MAX_DEPTH or MAX_VALUES; `code` names which ("depth" or "values")."""

    def __init__(self, code: str, mark: yaml.Mark) -> None:
        super().__init__(None, None, f"more than the {code} allowed", mark)
        self.code = code


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry 1-based line numbers, and that
    refuses a document nested deeper than MAX_DEPTH or expanding (aliases repeated)
    into more than MAX_VALUES values (`_Limit`), before anything recurses over it."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self._depth >= MAX_DEPTH:  # PyYAML's composer recurses once per level
            raise _Limit("depth", self.peek_event().start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # PyYAML's own constructors raise plain Python errors for an explicit tag on a
        # value it cannot read (`!!int x`, `!!float`): said at the node's line instead
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, IndexError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.tag.replace('tag:yaml.org,2002:', '!!')} cannot be "
                f"{node.value!r} ({type(exc).__name__}): remove the tag", node.start_mark
            ) from None

    def get_single_node(self) -> yaml.Node | None:
        node = super().get_single_node()
        if node is not None:
            _check_expanded(node)
        return node


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _check_expanded(root: yaml.Node) -> None:
    """Raise `_Limit` when `root`, its aliases expanded, is deeper than MAX_DEPTH or holds
    more than MAX_VALUES nodes. An alias is its anchor's very node, so the graph is
    walked once (iteratively, each node's height and size kept); a node met again
    while being walked (a recursive anchor) is left to the constructor, which refuses it.
    The error is at the deepest node past the depth, or at the node whose repeated
    parts first pass the count."""
    height: dict[int, int] = {}
    size: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            kids = [k for k in _children(node) if id(k) in height]
            height[key] = 1 + max((height[id(k)] for k in kids), default=0)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            if size[key] > MAX_VALUES:
                raise _Limit("values", node.start_mark)
        elif key not in height and key not in size:
            size[key] = 0  # being walked
            stack.append((node, True))
            stack.extend((k, False) for k in _children(node) if id(k) not in size)
    node = root
    if height[id(root)] > MAX_DEPTH:
        for _ in range(MAX_DEPTH):
            node = max(_children(node), key=lambda k: height.get(id(k), 0))
        raise _Limit("depth", node.start_mark)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Located:
    own = sum(k.tag != "tag:yaml.org,2002:merge" for k, _ in node.value)
    loader.flatten_mapping(node)  # puts the entries merged in (`<<: *anchor`) first
    merged = len(node.value) - own
    result = Located()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.spelled_bools = {}
    result.spelled_lines = {}
    result.block_lines = {}
    from_merge: set[str] = set()
    for i, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value", key_node.start_mark
            )
        # a key is a name: `on:` or `yes:` stays the word written, never "True"
        key = _spelled_bool(key, key_node) or (str(key) if not isinstance(key, str) else key)
        if key in from_merge and i >= merged:  # a key written over a merged one: YAML's
            from_merge.discard(key)            # merge keys mean exactly that
            del result[key]
            result.spelled_bools.pop(key, None)
            result.spelled_lines.pop(key, None)
        if i < merged and key in result:  # two merged mappings: the first one wins
            continue
        if i < merged:
            from_merge.add(key)
        if key in result:  # YAML would keep the last one silently: a designer's slip
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}' (first on line {result.key_lines[key]}): "
                "keep one", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
        spelled = _spelled_bool(result[key], value_node)
        if spelled:
            result.spelled_bools[key] = spelled
            result.spelled_lines[key] = value_node.start_mark.line + 1
        block = _block_lines(value_node)
        if block:
            result.block_lines[key] = block
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    pairs = enumerate(zip(result, node.value, strict=True))
    result.spelled_bools = {i: word for i, (value, child) in pairs
                            if (word := _spelled_bool(value, child))}
    result.spelled_lines = {i: node.value[i].start_mark.line + 1 for i in result.spelled_bools}
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _refuse_tag(loader: _LineLoader, node: yaml.Node) -> None:
    raise yaml.constructor.ConstructorError(
        None, None, f"the tag {node.tag.replace('tag:yaml.org,2002:', '!!')} makes a value "
        "no definition holds (bytes, a date-time, a set, pairs): remove it", node.start_mark)


# A definition holds what JSON holds: explicit tags for anything else are refused
for _tag in ("binary", "timestamp", "set", "omap", "pairs"):
    _LineLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)
# Dates stay strings: a definition compares answers, which are JSON strings.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlSyntaxError(Exception):
    """The file is not YAML at all; carries the line PyYAML found the problem on.

    limit: None, or "depth" / "values" when the file is YAML but nested deeper than
    MAX_DEPTH or expanding into more than MAX_VALUES values (`line`: where),
    "character" for a control character YAML refuses (`problem`: "U+0000, column 5"), or
    "size" for a text longer than MAX_CHARS (`problem`: its length)."""

    def __init__(self, path: str, line: int, problem: str, limit: str | None = None) -> None:
        super().__init__(f"{path}:{line}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem
        self.limit = limit


def load_text(text: str, path: str = "<string>") -> Any:
    """Parse YAML text into Located/LocatedList values (scalars stay str, int, bool...).

    path: only used in error messages. Keys become str; dates stay strings.
    Raises YamlSyntaxError (with the 1-based line) when `text` is not YAML, when a
    key is not a plain value, when a mapping repeats a key (YAML would silently
    keep the last one), when it holds a control character such as NUL (its `limit`
    "character"), or (its `limit` "depth"/"values") when the document, aliases expanded, is
    nested deeper than MAX_DEPTH or holds more than MAX_VALUES values: whatever the
    text, no later stage recursing over the result can exhaust the stack; or (its
    `limit` "size", at line 1) when the text is longer than MAX_CHARS characters.
    """
    if len(text) > MAX_CHARS:
        raise YamlSyntaxError(path, 1, str(len(text)), "size")
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except _Limit as exc:
        raise YamlSyntaxError(path, exc.problem_mark.line + 1, exc.problem,
                              exc.code) from None
    except yaml.reader.ReaderError as exc:  # a control character: PyYAML gives no line
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise YamlSyntaxError(path, line, f"U+{exc.character:04X}, column {column}",
                              "character") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = str(exc.problem or exc)
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            problem += f" ({exc.context} on line {exc.context_mark.line + 1})"
        raise YamlSyntaxError(path, line, problem) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(path, 1, str(exc)) from None


def plain(value: Any) -> Any:
    """A deep copy of `value` made of ordinary dicts and lists (tuples become lists):
    for JSON Schema validation of loaded YAML, and for storage, whose ORM hands out
    tracked dicts and lists that must not leave a transaction."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value
