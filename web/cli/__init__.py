"""The `guichet` command: designer tools, settings, database, demo data and the server.

Designer commands (check, diff, schema, test, validate) are here and only need the engine;
`settings` lists the configuration (web/config.py); `agents` the back-office agents;
`data` adds the database and
dossier commands (db, dossiers, demo), `portal` the server and its background
work (serve, mail, documents), `preview` the designer's live preview, `receipts`
the recap PDFs' receipt check, `api` the JSON API's OpenAPI document (openapi).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from engine import DefinitionError, convert, load_registry
from engine.diff import Effect, compatible, diff
from engine.formtests import run_tests, tests_file_mistakes
from engine.pipeline import (
    definition_path,
    definition_paths,
    duplicate_types,
    forms_dir,
    is_tests_file,
    tests_path,
)
from engine.validate import clean, validate
from web import config
from web.cli import agents, api, data, exports, portal, preview, receipts


@click.group()
def main() -> None:
    """Guichet: declarative dossier engine and applicant portal."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Check definitions (default: every file of forms/) and the tests file beside each
    (forms/<id>.tests.yaml, for its shape and ids: `guichet test` runs it); print every
    error as file:line. Two files of one type id are an error when they are in one folder
    (a folder is served whole: one version per type) or have the same version; an older
    version from another folder is compared with the newer one (its migrations)."""
    files = definition_paths(list(paths) or config.forms_paths(data.settings()))
    results = [convert(p) for p in files]
    errors = [e for r in results for e in r.errors]
    errors += duplicate_types(results, versions_apart=True)
    errors += [e for p, r in zip(files, results, strict=True) if r.compiled
               for e in tests_file_mistakes(r.compiled, p)]
    errors += data.republished_errors([r.compiled for r in results if r.compiled])
    for e in errors:
        click.echo(str(e), err=True)
    if errors:
        wrong = len({e.path for e in errors})  # the files with errors, not all checked
        click.echo(f"{len(errors)} error(s) in {wrong} file(s).", err=True)
        sys.exit(1)
    click.echo(f"{len(files)} definition(s) OK: " + ", ".join(str(p) for p in files))


@main.command("impact")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def impact_cmd(file: Path) -> None:
    """Dry run of FILE (a version about to be published) against the configured database:
    per state, how many dossiers of older versions would be migrated or stay, which
    answers would be archived, and how many drafts would have new questions. Changes
    nothing. Exit 2, with `guichet check`'s errors, when FILE could not be published."""
    result = convert(file)
    # the same verification as `guichet check` (published versions, migrations) first:
    # no dry run of a file that could not be published
    errors = list(result.errors)
    if result.ok:
        errors += data.republished_errors([result.compiled])
    for e in errors:
        click.echo(str(e), err=True)
    if errors:
        sys.exit(2)
    d = result.compiled.definition
    states = data.impact(result.compiled)
    click.echo(f"{d.id} version {d.version} (drafts: {d.drafts})")
    if not states:
        click.echo("no dossier on an older version")
    for s in states:
        archived = ", ".join(f"{k}: {n}" for k, n in s.archived.items()) or "nothing"
        click.echo(f"{s.status}: {s.dossiers} dossier(s), {s.migrated} would be migrated, "
                   f"{s.staying} stay on their version; archived: {archived}; "
                   f"{s.new_questions} with new questions to answer")


@main.command("diff")
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def diff_cmd(old: Path, new: Path) -> None:
    """Classify every change from OLD to NEW, one "file:line: class: message" a line.

    Exit 0 when every change is compatible, 1 when one needs a migration, asks
    applicants something new or needs review, 2 when a file is not a usable definition.
    """
    results = [convert(old), convert(new)]
    errors = [e for r in results for e in r.errors]
    if errors:
        click.echo(str(DefinitionError(errors)), err=True)
        sys.exit(2)
    changes = diff(*results)
    for change in changes:
        click.echo(str(change))
    counts = {effect: sum(c.effect is effect for c in changes) for effect in Effect}
    click.echo(f"{len(changes)} change(s): " + ", ".join(
        f"{count} {effect.value}" for effect, count in counts.items() if count)
        if changes else "No change.")
    sys.exit(0 if compatible(changes) else 1)


def _registry_or_exit():
    try:
        return load_registry(config.forms_paths(data.settings()))
    except DefinitionError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)


@main.command()
@click.argument("type_id")
@click.argument("section", required=False)
def schema(type_id: str, section: str | None) -> None:
    """Print the compiled JSON Schema of a dossier type, or of one of its sections."""
    compiled = _registry_or_exit().get(type_id)
    if compiled is None:
        raise click.UsageError(f"unknown dossier type '{type_id}'")
    if section is None:
        click.echo(json.dumps(compiled.schema, ensure_ascii=False, indent=2))
    elif section in compiled.sections:
        click.echo(json.dumps(compiled.sections[section].schema, ensure_ascii=False, indent=2))
    else:
        raise click.UsageError(f"unknown section '{section}' in '{type_id}'")


def _compiled_of(type_or_path: str):
    """The compiled definition a designer named: a definition file (any path, a draft
    outside forms/ too; exit 2 with its check errors when it has some), else a type id of
    the configured forms (exit 2 when unknown)."""
    path = Path(type_or_path)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        result = convert(path)
        for e in result.errors:
            click.echo(str(e), err=True)
        if not result.ok:
            click.echo(f"{len(result.errors)} error(s) in {path}.", err=True)
            sys.exit(2)
        return result.compiled
    compiled = _registry_or_exit().get(type_or_path)
    if compiled is None:
        click.echo(f"unknown dossier type '{type_or_path}' (nor a definition file)", err=True)
        sys.exit(2)
    return compiled


@main.command("validate")
@click.argument("type_or_path", metavar="TYPE|PATH")
@click.argument("answers_file", type=click.File("rb"))
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
def validate_cmd(type_or_path: str, answers_file, lang: str) -> None:
    """Validate a JSON object of answers against a dossier type (its id) or a definition
    file (e.g. a draft not yet in forms/); exit 0 valid, 1 invalid, 2 usage/definition
    error (a file's check errors are printed as file:line)."""
    compiled = _compiled_of(type_or_path)
    try:
        answers = json.loads(answers_file.read())
    except (ValueError, UnicodeDecodeError) as exc:
        click.echo(f"{answers_file.name}: not JSON: {exc}", err=True)
        sys.exit(2)
    if not isinstance(answers, dict):
        click.echo(f"{answers_file.name}: answers must be one JSON object keyed by field id",
                   err=True)
        sys.exit(2)
    errors = validate(compiled, answers)
    click.echo(json.dumps([e.as_json(lang) for e in errors], ensure_ascii=False, indent=2))
    dropped = sorted(set(answers) - set(clean(compiled, answers)))
    if dropped:
        click.echo("ignored (unknown, empty or hidden): " + ", ".join(dropped), err=True)
    sys.exit(1 if errors else 0)


def _test_targets(paths: tuple[Path, ...]) -> list[tuple[Path, Path | None, bool]]:
    """(definition, tests file or None, named explicitly) for each PATH: a folder gives
    each definition in it; a tests file, its definition; a definition, itself. No PATH:
    the configured forms (GUICHET_FORMS_DIR, else forms/)."""
    targets: list[tuple[Path, Path | None, bool]] = []
    folders = list(paths) or [Path(p) for p in config.forms_paths(data.settings())
                              or [forms_dir()]]
    for p in folders:
        if p.is_dir():
            targets += [(d, tests_path(d), False) for d in definition_paths([p])]
        elif is_tests_file(p):
            targets.append((definition_path(p), p, True))
        else:
            targets.append((p, tests_path(p), True))
    return targets


@main.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--coverage", is_flag=True,
              help="Also fail on what no case exercises: a condition never true or never "
                   "false, a rule never broken, a designer message never given.")
def test_cmd(paths: tuple[Path, ...], coverage: bool) -> None:
    """Run the per-form tests (forms/<id>.tests.yaml) of definitions (default: every one
    of forms/; PATH: a definition, its tests file, or a folder). Prints each failure as
    file:line: case 'name': expected ..., got ...; exit 0 all passed, 1 a case failed (or,
    with --coverage, something is not covered; or a definition named explicitly has no
    tests file), 2 a definition has check errors or a tests file has mistakes."""
    worst, cases, runs, failed = 0, 0, 0, 0
    targets = _test_targets(paths)
    for definition, tests, explicit in targets:
        if not definition.exists():
            click.echo(f"{tests}: no definition {definition.name} beside it", err=True)
            worst = 2
            continue
        outcome = run_tests(definition, tests, with_coverage=coverage)
        for e in outcome.errors:
            click.echo(str(e), err=True)
        if outcome.errors:
            worst = 2
            continue
        if outcome.tests is None:
            click.echo(f"{definition}: no tests file ({tests_path(definition).name})")
            worst = max(worst, 1 if explicit else 0)
            continue
        for e in outcome.failures + outcome.gaps:
            click.echo(str(e))
        cases, runs, failed = cases + outcome.cases, runs + outcome.runs, failed + len(
            outcome.failures)
        if outcome.failures or outcome.gaps:
            worst = max(worst, 1)
        click.echo(f"{outcome.tests}: {outcome.cases} case(s), {outcome.runs} run(s), "
                   f"{len(outcome.failures)} failure(s)"
                   + (f", {len(outcome.gaps)} not covered" if coverage else ""))
    click.echo(f"{len(targets)} definition(s), {cases} case(s), {runs} run(s): "
               + (f"{failed} failure(s)." if failed else "all passed." if worst < 2
                  else "not all could run."))
    sys.exit(worst)


@main.command("settings")
def settings_cmd() -> None:
    """List every setting read from the environment: variable, value in effect (secrets
    only said set or unset), unit and meaning. Exit 1, naming it, when one is unusable."""
    values = data.settings()
    for setting in config.SETTINGS:
        if setting.env is None:
            continue
        click.echo(f"{setting.env} = {config.shown(setting, values[setting.key])}"
                   f"  [{setting.unit}]")
        click.echo(f"    {setting.meaning}")


data.register(main)
main.add_command(exports.export_cmd)
agents.register(main)
portal.register(main)
preview.register(main)
receipts.register(main)
api.register(main)

