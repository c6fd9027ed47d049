"""Designer files no editor should produce, and a few one will: a definition or tests
file saved in Latin-1, with a byte order mark, unreadable, nested thousands of levels
deep, or two files of one folder with one id. Each is a designer error at `file:line`
from the catalogue, said the same by every command (they all go through
`engine.pipeline.convert`), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine import DefinitionError, ErrorCode, convert, load_registry
from engine.errors import error
from engine.formtests import run_tests
from engine.load import MAX_CHARS, MAX_DEPTH
from engine.pipeline import convert_text, forms_dir
from web.cli import main

SOURCE = forms_dir() / "cours-francais.yaml"


def expected(code: ErrorCode, path: Path | str, line: int, **params) -> str:
    return str(error(code, str(path), line, **params))


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


def _latin1(tmp_path: Path) -> tuple[Path, int, int]:
    """cours-francais saved as Latin-1; the line and column of its first accent."""
    path = tmp_path / "cours-francais.yaml"
    text = SOURCE.read_text(encoding="utf-8")
    path.write_bytes(text.encode("latin-1"))
    first = next(i for i, c in enumerate(text) if ord(c) > 127)
    line = text.count("\n", 0, first) + 1
    column = first - (text.rfind("\n", 0, first) + 1) + 1
    return path, line, column


def test_convert__latin1_file__not_utf8_at_the_first_accent(tmp_path):
    path, line, column = _latin1(tmp_path)
    byte = f"0x{SOURCE.read_text(encoding='utf-8').encode('latin-1')[0:0] or ''}"
    text = SOURCE.read_text(encoding="utf-8")
    byte = f"0x{ord(next(c for c in text if ord(c) > 127)):02x}"
    assert [str(e) for e in convert(path).errors] == [
        expected(ErrorCode.NOT_UTF8, path, line, byte=byte, column=column)]


def test_convert__missing_file__unreadable_error_not_an_exception(tmp_path):
    errors = convert(tmp_path / "absent.yaml").errors
    assert [e.code for e in errors] == [ErrorCode.FILE_UNREADABLE]
    assert errors[0].line == 1


def test_convert__byte_order_mark__the_same_definition_as_without(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + SOURCE.read_bytes())
    with_bom, without = convert(path), convert(SOURCE)
    assert with_bom.ok
    assert with_bom.compiled.source_hash == without.compiled.source_hash


@pytest.mark.parametrize("command", [["check"], ["validate"], ["test"], ["diff", "old"],
                                     ["diff", "new"]])
def test_commands__latin1_definition__the_same_file_line_error_no_traceback(
        run, tmp_path, command):
    """check, validate, test and diff (either side) all print the NOT_UTF8 error."""
    path, line, column = _latin1(tmp_path)
    args = {"check": [path], "validate": [path, tmp_path / "a.json"], "test": [path],
            "diff": [path, SOURCE] if command[-1] == "old" else [SOURCE, path]}[command[0]]
    (tmp_path / "a.json").write_text("{}")
    result = run(command[0], *args)
    assert result.exit_code == 2 if command[0] != "check" else result.exit_code == 1
    assert f"{path}:{line}: This file is not UTF-8 text" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_load_registry__latin1_file__definition_error_at_its_line(tmp_path):
    path, line, _ = _latin1(tmp_path)
    with pytest.raises(DefinitionError) as caught:
        load_registry([tmp_path])
    assert [(e.code, e.line) for e in caught.value.errors] == [(ErrorCode.NOT_UTF8, line)]


def test_tests_file__latin1__a_mistake_at_its_line_in_check_and_test(run, tmp_path):
    definition = tmp_path / "cours-francais.yaml"
    definition.write_bytes(SOURCE.read_bytes())
    tests = tmp_path / "cours-francais.tests.yaml"
    tests.write_bytes("- name: café\n  answers: {}\n".encode("latin-1"))
    outcome = run_tests(definition)
    assert [str(e) for e in outcome.errors] == [
        expected(ErrorCode.NOT_UTF8, tests, 1, byte="0xe9", column=12)]
    result = run("check", definition)
    assert f"{tests}:1: This file is not UTF-8 text" in result.stderr
    assert result.exit_code == 1


def test_convert_text__byte_order_mark_in_text__compiles():
    assert convert_text("\ufeff" + SOURCE.read_text(encoding="utf-8")).ok


# --- nesting and aliases ------------------------------------------------------------------


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\ufffe"])
def test_convert_text__control_character__its_line_and_column_no_reader_internals(character):
    """A NUL (or another character YAML refuses) pasted in a label: told at its own line
    and column, not at line 1 with PyYAML's '<unicode string>, position N'."""
    text = SOURCE.read_text(encoding="utf-8")
    at = text.index("Commentaires") + 4
    text = text[:at] + character + text[at:]
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    assert [str(e) for e in convert_text(text, "x.yaml").errors] == [
        expected(ErrorCode.YAML_CONTROL_CHARACTER, "x.yaml", line,
                 problem=f"U+{ord(character):04X}, column {column}")]


def _nested(levels: int, leaf: str = "1") -> str:
    return "[" * levels + leaf + "]" * levels


def test_convert_text__5000_levels_of_brackets__too_deep_at_its_line():
    text = "id: x\n\nchamp: " + _nested(5000) + "\n"
    assert [str(e) for e in convert_text(text, "x.yaml").errors] == [
        expected(ErrorCode.YAML_TOO_DEEP, "x.yaml", 3, limit=MAX_DEPTH)]


def test_convert_text__deep_block_lists_and_mappings__too_deep_not_recursion_error():
    blocks = "".join("  " * i + "- \n" for i in range(900))  # within MAX_CHARS
    mappings = "".join("  " * i + f"k{i}:\n" for i in range(900)) + "  " * 900 + "x"
    for text in (blocks, mappings, "a: " + "{a: " * 5000 + "1" + "}" * 5000):
        assert [e.code for e in convert_text(text).errors] == [ErrorCode.YAML_TOO_DEEP]


def test_convert_text__aliases_nesting_anchors__too_deep_counted_through_them():
    half = MAX_DEPTH // 2 + 2
    text = f"a: &a {_nested(half)}\nb: &b {_nested(half, '*a')}\n"
    assert [e.code for e in convert_text(text).errors] == [ErrorCode.YAML_TOO_DEEP]


def test_convert_text__billion_laughs__too_big_not_a_hang():
    lines = ["a: &a [" + ", ".join(["x"] * 10) + "]"]
    for i, name in enumerate("bcdefgh"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{'abcdefgh'[i]}"] * 10) + "]")
    assert [e.code for e in convert_text("\n".join(lines)).errors] == [
        ErrorCode.YAML_TOO_BIG]


def test_convert_text__twenty_thousand_questions__too_long_at_once_with_its_size():
    """Found by a designer's trial: a file of 20,000 questions took 25 s, then was told
    its "aliases repeat their anchors", though it had none. It is refused before being
    read, with its size; a long file within the limit is read as usual."""
    question = ("      - id: q{n}\n        type: text\n"
                "        label: {{fr: Question {n}, en: Question {n}}}\n")
    text = ("id: x\nversion: 1\nsections:\n  - id: s\n    fields:\n"
            + "".join(question.format(n=n) for n in range(20_000)))
    assert len(text) > MAX_CHARS
    errors = convert_text(text, "x.yaml").errors
    assert [str(e) for e in errors] == [str(error(
        ErrorCode.YAML_TOO_LONG, "x.yaml", 1, size=len(text), limit=MAX_CHARS))]
    assert "alias" not in errors[0].message


def _call_with_stack(depth: int, callback):
    return callback() if depth == 0 else _call_with_stack(depth - 1, callback)


def test_convert_text__deepest_allowed_nesting__every_stage_returns_a_result():
    """The deepest nesting the loader lets through, in a condition (built, compiled) and
    under an unknown key (shape errors, pruned), with 300 frames already on the stack
    (a request, a reload): a Result, never a RecursionError."""
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    i = next(n for n, line in enumerate(lines) if line.strip().startswith("when:"))
    indent, leaf = lines[i].split("when:")
    levels = (MAX_DEPTH - indent.count(" ") // 2 - 4) // 2
    when = "{all: [" * levels + leaf.strip() + "]}" * levels
    text = "\n".join([*lines[:i], f"{indent}when: {when}", *lines[i + 1:]])
    assert _call_with_stack(300, lambda: convert_text(text)).ok
    unknown = text + "\nextra: " + _nested(MAX_DEPTH - 2) + "\n"
    result = _call_with_stack(300, lambda: convert_text(unknown))
    assert [e.code for e in result.errors] == [ErrorCode.UNKNOWN_KEY_NO_MATCH]
    too_deep = "\n".join([*lines[:i], f"{indent}when: {'{all: [' * 40}{leaf}{']}' * 40}",
                          *lines[i + 1:]])
    assert [(e.code, e.line) for e in convert_text(too_deep).errors] == [
        (ErrorCode.YAML_TOO_DEEP, i + 1)]


def test_check__5000_levels__error_at_its_line_no_traceback(run, tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + _nested(5000) + "\n")
    result = run("check", path)
    assert result.exit_code == 1
    assert expected(ErrorCode.YAML_TOO_DEEP, path, 1, limit=MAX_DEPTH) in result.stderr
    assert not isinstance(result.exception, RecursionError)


def test_tests_file__too_deep__a_mistake_at_its_line(tmp_path):
    definition = tmp_path / "cours-francais.yaml"
    definition.write_bytes(SOURCE.read_bytes())
    tests = tmp_path / "cours-francais.tests.yaml"
    tests.write_text("- name: a\n  answers: {x: " + _nested(5000) + "}\n")
    assert [str(e) for e in run_tests(definition).errors] == [
        expected(ErrorCode.YAML_TOO_DEEP, tests, 2, limit=MAX_DEPTH)]


# --- two files of one type ----------------------------------------------------------------


def _copies(folder: Path, *names: str, version: int | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    text = SOURCE.read_text(encoding="utf-8")
    if version is not None:
        text = text.replace("\nversion: 1\n", f"\nversion: {version}\n")
    for name in names:
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in names]


ID_LINE = convert(SOURCE).data.line_of("id")


def _duplicate(code: ErrorCode, path: Path, first: Path, **params) -> str:
    return expected(code, path, ID_LINE, id="cours-francais", first=first,
                    first_line=ID_LINE, **params)


def test_load_registry__two_files_of_one_type__error_at_the_second_naming_the_first(
        tmp_path):
    first, second = _copies(tmp_path, "a.yaml", "b.yaml")
    with pytest.raises(DefinitionError) as caught:
        load_registry([tmp_path])
    assert [str(e) for e in caught.value.errors] == [
        _duplicate(ErrorCode.DUPLICATE_TYPE, second, first)]


def test_load_registry__two_versions_of_one_type__also_refused(tmp_path):
    first, = _copies(tmp_path, "a.yaml")
    second, = _copies(tmp_path, "b.yaml", version=2)
    with pytest.raises(DefinitionError) as caught:
        load_registry([tmp_path])
    assert [e.code for e in caught.value.errors] == [ErrorCode.DUPLICATE_TYPE]


def test_check__folder_with_two_copies__exit_1_duplicate_type(run, tmp_path):
    first, second = _copies(tmp_path, "a.yaml", "b.yaml")
    result = run("check", tmp_path)
    assert result.exit_code == 1
    assert _duplicate(ErrorCode.DUPLICATE_TYPE, second, first) in result.stderr


def test_check__two_versions_in_one_folder__duplicate_type_even_named_one_by_one(
        run, tmp_path):
    """`guichet check forms/*.yaml`: what the folder would serve is refused."""
    first, = _copies(tmp_path, "a.yaml")
    second, = _copies(tmp_path, "b.yaml", version=2)
    result = run("check", first, second)
    assert _duplicate(ErrorCode.DUPLICATE_TYPE, second, first) in result.stderr
    assert result.exit_code == 1


def test_check__the_same_version_from_two_folders__duplicate_version(run, tmp_path):
    first, = _copies(tmp_path / "old", "x.yaml")
    second, = _copies(tmp_path / "new", "x.yaml")
    result = run("check", first, second)
    assert _duplicate(ErrorCode.DUPLICATE_VERSION, second, first, version=1) in result.stderr
    assert result.exit_code == 1


def test_check__an_older_version_from_another_folder__still_accepted(run, tmp_path):
    """README, Versions: an older version given on the command line is what the new
    one's migrations are checked against."""
    old, = _copies(tmp_path / "old", "x.yaml")
    new, = _copies(tmp_path / "forms", "x.yaml", version=2)
    result = run("check", old, new)
    assert result.exit_code == 0, result.stderr
