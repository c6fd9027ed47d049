"""Every example of the designer's guide works: the guide is tested like code.

docs/designer-guide.md (French) and docs/designer-guide.en.md (English) teach the
definition language by example. A designer copies those examples, so each one must be
what the checker accepts, or, when the guide shows a mistake, give exactly that mistake.
This module reads both guides and:

- runs every ```yaml block through the engine (`engine.convert_text`). The guide's
  first block, marked `<!-- skeleton -->`, is a complete definition; any other block
  is either complete (it has `id:` and `workflow:` at the top), a list of questions
  (put in place of the skeleton's first section's `fields:`), or a mapping of top-level
  keys (`sections:`, `workflow:`...) that replace the skeleton's, exactly as the guide
  tells designers to use them. A block preceded by `<!-- error: CODE -->` must give
  the error CODE (an `engine.errors.ErrorCode` name) and no other kind;
- runs every block marked `<!-- form-tests: forms/<file>.yaml -->` (a per-form tests
  file) against that shipped definition: its field and section ids exist, and each
  case's answers give the errors, shown and hidden questions and valid sections it
  expects, with `guichet test`'s own runner (`engine.formtests`);
- checks every `guichet ...` command line of the ```sh blocks against the CLI: the
  command exists and takes the options written;
- checks that each checker message a ```text block shows fills a template of the
  error catalogue, that every link leads to a heading or a file, and that both guides
  hold the same examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from engine import convert_text
from engine.errors import ErrorCode
from engine.formtests import load_tests, run_case
from web.cli import main as cli

ROOT = Path(__file__).resolve().parents[2]
GUIDES = (ROOT / "docs" / "designer-guide.md", ROOT / "docs" / "designer-guide.en.md")
MARKER = re.compile(r"<!--\s*(skeleton|error|form-tests)\s*:?\s*(\S*)\s*-->")
# commands the guide describes that other parts of issue 16 add; once registered, their
# options are checked like any other command's
COMMANDS_TO_COME: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Block:
    """One fenced block of a guide: its language, text, the marker comment just above
    it (kind, argument) and where it starts (for the failure message)."""

    guide: Path
    line: int
    lang: str
    text: str
    marker: str = ""
    argument: str = ""

    def __str__(self) -> str:
        return f"{self.guide.name}:{self.line}"


def blocks(guide: Path) -> list[Block]:
    """Every fenced block of `guide`, in order."""
    found: list[Block] = []
    lines = guide.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        fence = re.match(r"^```(\w*)\s*$", lines[i])
        if not fence or not fence.group(1):
            i += 1
            continue
        start = i
        j = i + 1
        while j < len(lines) and lines[j].rstrip() != "```":
            j += 1
        above = next((lines[k] for k in range(start - 1, -1, -1) if lines[k].strip()), "")
        marker = MARKER.search(above)
        found.append(Block(guide, start + 1, fence.group(1), "\n".join(lines[i + 1:j]) + "\n",
                           marker.group(1) if marker else "",
                           marker.group(2) if marker else ""))
        i = j + 1
    return found


def skeleton(guide: Path) -> str:
    """The guide's complete minimal definition: its block marked `<!-- skeleton -->`."""
    marked = [b for b in blocks(guide) if b.marker == "skeleton"]
    assert len(marked) == 1, f"{guide.name} must mark exactly one block <!-- skeleton -->"
    return marked[0].text


def top_level_chunks(text: str) -> dict[str, str]:
    """A YAML mapping's text cut at each top-level key: key -> its lines."""
    chunks: dict[str, list[str]] = {}
    key = None
    for line in text.splitlines():
        head = re.match(r"^([a-z_]+):", line)
        if head:
            key = head.group(1)
            chunks[key] = []
        if key is not None:
            chunks[key].append(line)
    return {k: "\n".join(v) + "\n" for k, v in chunks.items()}


def with_fields(base: str, fields: str) -> str:
    """`base` with its first section's questions replaced by `fields` (a YAML list at
    column 0), indented under that section's `fields:`."""
    lines = base.splitlines()
    at = next(i for i, line in enumerate(lines) if re.match(r"^    fields:\s*$", line))
    end = at + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith("      ")):
        end += 1
    inserted = ["      " + line if line.strip() else "" for line in fields.splitlines()]
    return "\n".join(lines[:at + 1] + inserted + lines[end:]) + "\n"


def as_definition(block: Block) -> str:
    """The definition a guide block stands for: itself when complete, else wrapped in
    its guide's skeleton (a list of questions, or top-level keys replacing the
    skeleton's; the block's own lines come first, so its line numbers hold)."""
    first = next(line for line in block.text.splitlines()
                 if line.strip() and not line.startswith("#"))
    if first.startswith("- "):
        return with_fields(skeleton(block.guide), block.text)
    own = set(top_level_chunks(block.text))
    if {"id", "workflow"} <= own:
        return block.text
    rest = [t for k, t in top_level_chunks(skeleton(block.guide)).items() if k not in own]
    return block.text + "".join(rest)


def yaml_blocks() -> list[Block]:
    """The definition examples of both guides (every yaml block but per-form tests)."""
    return [b for g in GUIDES for b in blocks(g) if b.lang == "yaml" and b.marker != "form-tests"]


def test_both_guides_exist_and_link_to_each_other():
    """The French guide names the English one and the reverse, and the README points
    to the guide."""
    fr, en = (g.read_text(encoding="utf-8") for g in GUIDES)
    assert "designer-guide.en.md" in fr and "designer-guide.md" in en
    assert "docs/designer-guide.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_guides_hold_the_same_examples():
    """Same text in both languages: the same fenced blocks, each with the same marker,
    and the same definition examples, so no example is missing or different in one."""
    fr, en = ([(b.lang, b.marker, b.argument) for b in blocks(g)] for g in GUIDES)
    assert fr == en
    fr, en = ([b.text for b in blocks(g) if b.lang == "yaml" and b.marker != "form-tests"]
              for g in GUIDES)
    assert fr == en, "a definition example differs between the two guides"


@pytest.mark.parametrize("block", yaml_blocks(), ids=str)
def test_every_yaml_example_gives_what_the_guide_says(block: Block):
    """A plain example is a usable definition; one marked `<!-- error: CODE -->` gives
    that error, and only errors of that code."""
    result = convert_text(as_definition(block), str(block))
    if block.marker == "error":
        assert block.argument in ErrorCode.__members__, f"{block}: unknown code {block.argument}"
        codes = {e.code.name for e in result.errors}
        assert codes == {block.argument}, f"{block}: {[str(e) for e in result.errors]}"
    else:
        assert result.ok, f"{block}:\n" + "\n".join(str(e) for e in result.errors)


def test_the_guide_shows_mistakes_too():
    """The guide teaches the checker's messages: some examples are marked mistakes, and
    the rest are not all mistakes (a guard against a marker swallowing everything)."""
    marked = [b for b in yaml_blocks() if b.marker == "error"]
    assert 3 <= len(marked) < len(yaml_blocks()) // 2


def form_test_blocks() -> list[Block]:
    """The per-form tests examples of both guides."""
    return [b for g in GUIDES for b in blocks(g) if b.marker == "form-tests"]


@pytest.mark.parametrize("block", form_test_blocks(), ids=str)
def test_every_form_tests_example_holds_for_its_definition(block: Block):
    """Each case of a per-form tests example gives, on the shipped definition it names,
    exactly the errors (field -> rule) it lists, and the shown and hidden questions and
    valid sections it expects."""
    result = convert_text((ROOT / block.argument).read_text(encoding="utf-8"), block.argument)
    assert result.ok and result.compiled
    cases, mistakes = load_tests(result.compiled, block.text, str(block))
    assert not mistakes and cases, [str(m) for m in mistakes]
    failures = [str(f) for case in cases for f in run_case(result.compiled, case, str(block))]
    assert not failures, failures


def command_lines() -> list[tuple[Block, str]]:
    """Every `guichet ...` line of the guides' sh blocks (a `$ ` prompt removed)."""
    return [(b, line.strip().removeprefix("$ "))
            for g in GUIDES for b in blocks(g) if b.lang == "sh"
            for line in b.text.splitlines()
            if line.strip().removeprefix("$ ").startswith("guichet ")]


@pytest.mark.parametrize("block,line", command_lines(), ids=lambda v: str(v)[:60])
def test_every_command_of_the_guide_exists_with_its_options(block: Block, line: str):
    """The command (or group and subcommand) exists, and every --option written is
    one it takes; a command another part of issue 16 adds may be missing for now."""
    words = line.split()[1:]
    command: click.Command = cli
    while isinstance(command, click.Group) and words and not words[0].startswith("-"):
        sub = command.commands.get(words[0])
        if sub is None:
            assert words[0] in COMMANDS_TO_COME, f"{block}: no command {words[0]!r}: {line}"
            return
        command, words = sub, words[1:]
    known = {o for p in command.params for o in getattr(p, "opts", ())}
    for word in words:
        if word.startswith("--"):
            assert word.split("=")[0] in known, f"{block}: {line}: {word} not in {known}"


# pages of docs/ that other parts of issue 16 write; the guide links to them
PAGES_TO_COME: frozenset[str] = frozenset()


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, every character but letters,
    digits, spaces, `-` and `_` dropped, spaces made `-`."""
    kept = "".join(c for c in heading.strip().lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


@pytest.mark.parametrize("guide", GUIDES, ids=lambda g: g.name)
def test_every_link_of_the_guide_leads_somewhere(guide: Path):
    """Each `(#anchor)` is a heading of the same guide, and each relative link a file
    (or, for now, a page another part of issue 16 writes)."""
    text = guide.read_text(encoding="utf-8")
    anchors = {slug(h) for h in re.findall(r"^#+ (.+)$", text, re.MULTILINE)}
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        path, _, anchor = target.partition("#")
        if not path:
            assert anchor in anchors, f"{guide.name}: no heading for #{anchor}"
        elif path not in PAGES_TO_COME:
            assert (guide.parent / path).exists(), f"{guide.name}: no file {path}"


def template_pattern(template: str) -> re.Pattern[str]:
    """A regular expression matching any filling of an ErrorCode template: each
    `{name}` any text, `{{` and `}}` a literal brace."""
    regex = ""
    for part in re.split(r"(\{\{|\}\}|\{[^{}]*\})", template):
        if part in ("{{", "}}"):
            regex += re.escape(part[0])
        elif part.startswith("{"):
            regex += ".+?"
        else:
            regex += re.escape(part)
    return re.compile(regex + "$")


def test_every_checker_message_shown_in_the_guide_is_one_of_the_catalogue():
    """The sample outputs of the guides (```text blocks, lines "file:line: message")
    use the checker's current wording: each message fills an ErrorCode template."""
    patterns = [template_pattern(code.value) for code in ErrorCode]
    shown = [(b, m.group(1)) for g in GUIDES for b in blocks(g) if b.lang == "text"
             for m in re.finditer(r"^\S+:\d+: (.+)$", b.text, re.MULTILINE)]
    assert shown
    for block, message in shown:
        assert any(p.match(message) for p in patterns), f"{block}: {message}"
