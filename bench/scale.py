"""Does the cost of a dossier type grow linearly with its number of questions (issue #15)?

Synthetic definitions of 10, 100 and 1,000 questions, written as YAML text in memory and
run through the real pipeline (`engine.convert_text`: load, check, build, compile, as
`guichet check` does). They look like real forms: 10 questions a section; every question
after the first shown on a condition on the one before it (a chain across the sections:
`eq` on a yes/no, `in` on a list, `contains` on boxes, `answered` on a text, and `gt`/`ge`
on dates: an offset from today, a fixed date or an earlier date question; `gt` on a number
when the registry has one); every fourth section shown on a condition too; and, when the
field-type registry has `group`, a repeating group of 20 items at the end. The question
types are every registered type the generator can write and fill (its own sample in
`TYPES`, else the type's `FieldType.examples`), so a type added to the registry joins the
bench by itself, and one the generator cannot build is named in the output and left out.

Measured per size: (1) load + check + compile the YAML text; (2) validate one dossier
with every question answered (clean + validate, as a save and the submission guard do);
(3) one section page (the last one, at the end of the chain), rendered by the portal
through Flask's test client with the page cache off (SQLite in a temporary folder).
Target: each 1,000-question figure at most 12× the 100-question one (linear growth).
Also shown, from bench/validate.py: the full AQ dossier's validation (≤ 20 µs).

    python bench/scale.py
"""

from __future__ import annotations

import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.append(str(HERE))  # validate.py; after the root: bench/storage.py hides storage/

from engine import CompiledDefinition, Registry, clean, convert_text, validate  # noqa: E402
from engine.fieldtypes import field_type, registered  # noqa: E402

SIZES = (10, 100, 1000)
PER_SECTION = 10
GROUP_ITEMS = 20
TARGET_RATIO = 12  # the 1,000-question figure / the 100-question one
PASSWORD = "bench-motdepasse"
OPTIONS = ("a", "b", "c")


@dataclass(frozen=True)
class TypeSample:
    """How the generator writes and fills one field type.

    props: YAML lines of the type's own keys (each kept only if the registered type
    accepts the key); posted: candidate answers as a form posts them (form name suffix
    -> values; "" is the field's own name), tried in turn until one is valid; when:
    the condition the next question puts on this one, as YAML flow text with {id}
    (None: `answered: true`, which every type takes)."""

    props: tuple[str, ...] = ()
    posted: tuple[dict[str, list[str]], ...] = ()
    when: tuple[str, ...] = ()


_OPTIONS_YAML = ("options: [" + ", ".join(
    f"{{value: {o}, label: {{fr: Choix {o}, en: Choice {o}}}}}" for o in OPTIONS) + "]",)

# type name -> how to write and fill it (a type without an entry: `_sample`); `group` is
# added apart (`group_yaml`)
TYPES: dict[str, TypeSample] = {
    "text": TypeSample((), ({"": ["Une réponse"]},), ("{{{id}: {{answered: true}}}}",)),
    "textarea": TypeSample((), ({"": ["Une réponse\nsur deux lignes"]},),
                           ("{{{id}: {{answered: true}}}}",)),
    "date": TypeSample(("min: \"-120y\"", "max: today"), ({"": ["2020-01-15"]},),
                       ("{{{id}: {{ge: \"-120y\"}}}}", "{{{id}: {{gt: \"2000-01-01\"}}}}",
                        "{{{id}: {{ge: {{field: {date}}}}}}}")),
    "email": TypeSample((), ({"": ["maria@example.com"]},), ("{{{id}: {{answered: true}}}}",)),
    "tel": TypeSample((), ({"": ["514 555-0123"]},), ("{{{id}: {{answered: true}}}}",)),
    "phone": TypeSample((), ({"": ["514 555-0123"]}, {"": ["+15145550123"]}),
                        ("{{{id}: {{answered: true}}}}",)),
    "yesno": TypeSample((), ({"": ["true"]},), ("{{{id}: true}}",)),
    "select": TypeSample(_OPTIONS_YAML, ({"": ["a"]},), ("{{{id}: {{in: [a, b]}}}}",)),
    "radio": TypeSample(_OPTIONS_YAML, ({"": ["b"]},), ("{{{id}: b}}",)),
    "checkboxes": TypeSample(_OPTIONS_YAML, ({"": ["a", "c"]},), ("{{{id}: {{contains: a}}}}",)),
    "grid": TypeSample(("rows: [{value: r1, label: {fr: Ligne 1, en: Row 1}}, "
                        "{value: r2, label: {fr: Ligne 2, en: Row 2}}]",
                        "columns: [{value: c1, label: {fr: Col 1, en: Col 1}}, "
                        "{value: c2, label: {fr: Col 2, en: Col 2}}]"),
                       ({"": ["c1_r1", "c2_r2"]},), ("{{{id}: {{contains: c1_r1}}}}",)),
    "number": TypeSample(("decimals: 2", "min: 0", "max: 1000000", "unit: CAD"),
                         ({"": ["12 500,50"]}, {"": ["12500.50"]}, {"": ["12500"]}),
                         ("{{{id}: {{gt: 100}}}}", "{{{id}: {{ge: 0}}}}")),
    "postal_code": TypeSample((), ({"": ["h2x2s5"]}, {"": ["H2X 2S5"]}),
                              ("{{{id}: {{answered: true}}}}",)),
    "declaration": TypeSample((), ({"": ["true"]}, {"": ["on"]}, {"": ["1"]}),
                              ("{{{id}: {{answered: true}}}}",)),
    "address": TypeSample((), ({".line1": ["20 rue Monge"], ".city": ["Montréal"],
                                ".province": ["QC"], ".postal_code": ["H2X 2S5"],
                                ".country": ["CA"]},),
                          ("{{{id}: {{answered: true}}}}",)),
}

def _sample(type_name: str) -> TypeSample:
    """How to write and fill `type_name`: its TYPES entry; for a type without one, no own
    keys, the type's own example answers (`FieldType.examples`) and `answered` tests."""
    return TYPES.get(type_name, TypeSample())


_HEAD = """\
id: echelle{size}
version: 1
title: {fr: Formulaire synthétique, en: Synthetic form}
numbering: {prefix: S, digits: 6}
deadline_days: 30
sections:
"""
_TAIL = """\
workflow:
  initial: brouillon
  states:
    brouillon: {label: {fr: Brouillon, en: Draft}, editable: true}
    recu: {label: {fr: Reçu, en: Received}}
  transitions:
    - {id: soumettre, from: brouillon, to: recu, guards: [sections_valid]}
"""


def _field_yaml(fid: str, type_name: str, when: str | None, indent: str) -> str:
    """One question of `type_name` as YAML lines at `indent` (its own keys only where the
    registered type accepts them)."""
    accepted = field_type(type_name).properties
    lines = [f"- id: {fid}", f"  type: {type_name}",
             f"  label: {{fr: Question {fid}, en: Question {fid}}}"]
    if when:
        lines.append(f"  when: {when}")
    lines += [f"  {p}" for p in _sample(type_name).props if p.split(":")[0] in accepted]
    return "".join(f"{indent}{line}\n" for line in lines)


def _condition(prev_id: str, prev_type: str, turn: int, earlier_date: str | None) -> str:
    """The `when` of the question after `prev_id` (of `prev_type`): the type's conditions
    taken in turn (`turn`: how many questions of that type came before); one comparing
    with another date question only when there is an earlier one (`earlier_date`)."""
    choices = [w for w in _sample(prev_type).when if "{date}" not in w or earlier_date]
    ft = field_type(prev_type)
    allowed = {*ft.operators, "answered"} | (
        {"gt", "ge", "lt", "le"} if ft.value_kind in ("date", "number") else set())
    choices = [w for w in choices if _operator(w) in allowed] or ["{{{id}: {{answered: true}}}}"]
    return choices[turn % len(choices)].format(id=prev_id, date=earlier_date)


def _operator(when: str) -> str:
    for op in ("answered", "contains", "in", "gt", "ge", "lt", "le"):
        if f"{{{op}:" in when:
            return op
    return "eq"


@dataclass
class Synthetic:
    """One generated definition: its YAML text, its compiled form, the answers filling
    every question (as stored, after cleaning), the answers per section, and which types
    it mixes or had to leave out (name -> why)."""

    size: int
    text: str
    compiled: CompiledDefinition
    answers: dict[str, Any]
    by_section: dict[str, dict[str, Any]]
    types: tuple[str, ...]
    skipped: dict[str, str] = field(default_factory=dict)
    group: bool = False


def usable_types() -> tuple[tuple[str, ...], dict[str, str], dict[str, dict[str, list[str]]]]:
    """The registered types the generator can write and fill, in registration order;
    the others with the reason; and the posted answer found valid for each usable one.
    A type is tried alone in a one-question definition: its YAML must check clean and
    one of its candidate answers must be valid."""
    usable, skipped, posted = [], {}, {}
    for name in registered():
        if name == "group":
            continue  # a repeating group is added apart (`group_yaml`)
        text = (_HEAD.replace("{size}", "0") + "  - id: s1\n    title: {fr: S, en: S}\n"
                "    fields:\n" + _field_yaml("q1", name, None, "      ") + _TAIL)
        result = convert_text(text, f"probe-{name}.yaml")
        if not result.ok:
            skipped[name] = "definition refused: " + "; ".join(map(str, result.errors))
            continue
        f = result.compiled.definition.all_fields()["q1"]
        examples = tuple({k[len("q1"):]: v for k, v in f.kind.form_values(f, e, "q1").items()}
                         for e in f.kind.examples(f))
        for candidate in (*_sample(name).posted, *examples):
            answers = _parse(result.compiled, {"q1": candidate})
            if answers.get("q1") is not None and not validate(result.compiled, answers):
                usable.append(name)
                posted[name] = candidate
                break
        else:
            skipped[name] = "no valid answer (bench/scale.py TYPES, FieldType.examples)"
    return tuple(usable), skipped, posted


def _parse(compiled: CompiledDefinition, posted: dict[str, dict[str, list[str]]]
           ) -> dict[str, Any]:
    """Cleaned answers from posted values (question id -> form-name suffix -> values),
    each read by its type's `parse` as the portal reads a form."""
    fields = compiled.definition.all_fields()
    answers = {}
    for fid, parts in posted.items():
        form = {fid + suffix: values for suffix, values in parts.items()}
        f = fields[fid]
        answers[fid] = f.kind.parse(f, lambda name, form=form: form.get(name, []), fid)
    return clean(compiled, answers)


def group_yaml(when: str, indent: str) -> str:
    """A repeating group of GROUP_ITEMS items (text, date, yes/no, and a list shown when the
    item's yes/no is yes), as YAML lines; its nested questions use only built-in types."""
    nested = (_field_yaml("g_nom", "text", None, indent + "    ")
              + _field_yaml("g_date", "date", None, indent + "    ")
              + _field_yaml("g_oui", "yesno", None, indent + "    ")
              + _field_yaml("g_choix", "select", "{g_oui: true}", indent + "    "))
    return (f"{indent}- id: groupe\n{indent}  type: group\n"
            f"{indent}  label: {{fr: Personnes, en: People}}\n{indent}  when: {when}\n"
            f"{indent}  repeat: {{min: 1, max: {GROUP_ITEMS}}}\n"
            f"{indent}  item_label: {{fr: \"Personne {{n}}\", en: \"Person {{n}}\"}}\n"
            f"{indent}  fields:\n{nested}")


GROUP_ITEM = {"g_nom": "Nom", "g_date": "2010-05-01", "g_oui": True, "g_choix": "b"}


def generate(size: int) -> Synthetic:
    """The synthetic definition of `size` questions (plus the group when registered),
    compiled, with every question answered. Raises AssertionError when the pipeline
    refuses it or an answer is not valid (the generator is out of step with the engine)."""
    types, skipped, posted = usable_types()
    has_group = "group" in registered()
    lines = [_HEAD.replace("{size}", str(size))]
    sections: list[list[str]] = []
    prev: tuple[str, str] | None = None
    dates: list[str] = []  # the date questions so far
    for k in range(size):
        if k % PER_SECTION == 0:
            n = k // PER_SECTION + 1
            sections.append([])
            lines.append(f"  - id: s{n}\n    title: {{fr: Partie {n}, en: Part {n}}}\n")
            if n % 4 == 0 and prev is not None:  # every fourth section on a condition
                lines.append(f"    when: {{{prev[0]}: {{answered: true}}}}\n")
            lines.append("    fields:\n")
        fid, type_name = f"q{k + 1}", types[k % len(types)]
        earlier = dates[-2] if prev and prev[1] == "date" and len(dates) > 1 else None
        when = _condition(*prev, (k - 1) // len(types), earlier) if prev else None
        lines.append(_field_yaml(fid, type_name, when, "      "))
        sections[-1].append(fid)
        if type_name == "date":
            dates.append(fid)
        prev = (fid, type_name)
    if has_group:
        lines.append(group_yaml(f"{{{prev[0]}: {{answered: true}}}}", "      "))
    lines.append(_TAIL)
    text = "".join(lines)
    result = convert_text(text, f"echelle-{size}.yaml")
    assert result.ok, [str(e) for e in result.errors][:5]
    compiled = result.compiled
    fields = compiled.definition.all_fields()
    answers = _parse(compiled, {fid: posted[fields[fid].type] for s in sections for fid in s})
    if has_group:
        answers["groupe"] = [dict(GROUP_ITEM) for _ in range(GROUP_ITEMS)]
        answers = clean(compiled, answers)
    errors = validate(compiled, answers)
    assert not errors, errors[:5]
    assert len(answers) == size + has_group, (len(answers), size)  # the chain holds throughout
    by_section = {s.id: {f.id: answers[f.id] for f in s.fields}
                  for s in compiled.definition.sections}
    return Synthetic(size, text, compiled, answers, by_section, types, skipped, has_group)


# --- measures ---------------------------------------------------------------------------

def interleaved_ms(calls: dict[int, Callable[[], object]], rounds: int,
                  batch: dict[int, int]) -> dict[int, float]:
    """Milliseconds of CPU (this process's, `time.process_time`) per call of each size's
    call: `rounds` rounds, each calling every size's `batch[size]` times in turn after
    one warm-up call each; the median of the rounds per size. The sizes are measured
    side by side and in CPU time because this machine's speed drifts within a minute
    and other work steals it (wall-clock ratios moved from 10x to 13x between runs)."""
    for call in calls.values():
        call()
    samples: dict[int, list[float]] = {n: [] for n in calls}
    for _ in range(rounds):
        for n, call in calls.items():
            start = time.process_time()
            for _ in range(batch[n]):
                call()
            samples[n].append((time.process_time() - start) / batch[n] * 1000)
    return {n: statistics.median(v) for n, v in samples.items()}


def compile_ms(synthetics: list[Synthetic]) -> dict[int, float]:
    """Load + check + build + compile each size's YAML text, ms of CPU."""
    return interleaved_ms({s.size: (lambda s=s: convert_text(s.text, "echelle.yaml"))
                           for s in synthetics}, rounds=3, batch=_batch(synthetics, 1))


def validate_ms(synthetics: list[Synthetic]) -> dict[int, float]:
    """Clean + validate each size's full dossier (every question answered), ms of CPU."""
    return interleaved_ms({s.size: (lambda s=s: validate(s.compiled, s.answers))
                           for s in synthetics}, rounds=5, batch=_batch(synthetics, 20))


def _batch(synthetics: list[Synthetic], at_largest: int) -> dict[int, int]:
    """Calls per round for each size: `at_largest` for the largest, proportionally more
    for the smaller ones (so each size's round takes about as long)."""
    largest = max(s.size for s in synthetics)
    return {s.size: at_largest * largest // s.size for s in synthetics}


class Portal:
    """The portal on a temporary SQLite database serving the synthetic types, the page
    cache off, with one logged-in applicant (a Flask test client)."""

    def __init__(self, synthetics: list[Synthetic]) -> None:
        import storage
        from web import create_app, store_of

        self._tmp = tempfile.TemporaryDirectory(prefix="guichet-scale-")
        self.registry = Registry([s.compiled for s in synthetics])
        self.app = create_app({"TESTING": True, "SECRET_KEY": "bench-secret",
                               "INSTANCE_PATH": self._tmp.name, "DATABASE_URL": None,
                               "REGISTRY": self.registry, "PAGE_CACHE_SIZE": 0})
        self.store = store_of(self.app)
        logging.getLogger("guichet.request").setLevel(logging.WARNING)  # no line per GET
        self.numbers: dict[int, str] = {}
        with self.store.bound():
            storage.reset_db()
            account = storage.create_account(
                "echelle@example.com", storage.hash_password(PASSWORD),
                {"given_names": "Maria", "family_names": "Valdero", "sex": "F",
                 "birth_date": "2000-01-01", "birth_city": "Paris", "birth_country": "France",
                 "address_line1": "20 rue Monge", "country": "France", "city": "Paris"})
            for s in synthetics:
                dossier = storage.create_dossier(self.registry, account.id, s.compiled.id)
                version = dossier.version
                for section_id, answers in s.by_section.items():
                    version = storage.save_section(self.registry, account.id, dossier.number,
                                                   section_id, answers, version).version
                self.numbers[s.size] = dossier.number
        self.client = self.app.test_client()
        self._log_in()

    def _log_in(self) -> None:
        import re

        page = self.client.get("/connexion").get_data(as_text=True)
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        response = self.client.post("/connexion", data={
            "email": "echelle@example.com", "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, response.status_code

    def section_path(self, s: Synthetic) -> str:
        """The address of the last section's page of the dossier of size s.size."""
        last = s.compiled.definition.sections[-1].id
        return f"/dossiers/{self.numbers[s.size]}/sections/{last}"

    def check_page(self, s: Synthetic) -> None:
        """The last section's page of size s.size is the full page: 200, and every
        question of the section drawn. Raises AssertionError otherwise."""
        path = self.section_path(s)
        with self.store.bound():
            response = self.client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, (path, response.status_code)
        for f in s.compiled.definition.sections[-1].fields:
            assert f'id="f-{f.id}' in html, f.id

    def page_ms(self, synthetics: list[Synthetic]) -> dict[int, float]:
        """One GET of each size's last section page, ms of CPU."""
        for s in synthetics:
            self.check_page(s)
        paths = {s.size: self.section_path(s) for s in synthetics}
        with self.store.bound():
            return interleaved_ms({n: (lambda p=p: self.client.get(p).get_data())
                                   for n, p in paths.items()},
                                  rounds=5, batch=_batch(synthetics, 4))

    def close(self) -> None:
        """Disconnect the store and remove the temporary folder."""
        self.store.disconnect()
        self._tmp.cleanup()


def aq_validate_us() -> float:
    """The AQ full-dossier validation figure, measured by bench/validate.py's own code."""
    import validate as bench_validate

    return bench_validate.dossier_validate_us()


def run() -> list[dict]:
    synthetics = [generate(n) for n in SIZES]
    s0 = synthetics[0]
    figures = {"compile": compile_ms(synthetics), "validate": validate_ms(synthetics)}
    portal = Portal(synthetics)
    try:
        figures["page"] = portal.page_ms(synthetics)
    finally:
        portal.close()
    group = (f"a group of {GROUP_ITEMS} items" if s0.group
             else "NO repeating group: `group` is not a registered field type")
    rows = [{"name": f"synthetic definitions: types {', '.join(s0.types)}; {group}"
                     + (f"; left out: {', '.join(f'{k} ({v})' for k, v in s0.skipped.items())}"
                        if s0.skipped else ""),
             "value": "", "unit": "", "target": "", "ok": None}]
    labels = {"compile": "load+check+compile", "validate": "validate one dossier, all answered",
              "page": "render the last section page (GET, page cache off)"}
    for key, label in labels.items():
        by_size = figures[key]
        for n in SIZES:
            value = by_size[n]
            row = {"name": f"{label}, {n:,} questions", "value": _round(value), "unit": "ms CPU",
                   "target": "", "ok": None}
            if n == SIZES[-1]:
                ratio = value / by_size[SIZES[-2]]
                row.update(ratio=round(ratio, 1), target=f"≤ {TARGET_RATIO}× the {SIZES[-2]:,} "
                           "figure", ok=ratio <= TARGET_RATIO)
            rows.append(row)
    aq = aq_validate_us()
    rows.append({"name": "validate one full AQ dossier (bench/validate.py)",
                 "value": round(aq, 1), "unit": "µs", "target": "≤ 20 µs", "ok": aq <= 20})
    return rows


def _round(ms: float) -> float:
    return round(ms, 3 if ms < 1 else 2 if ms < 100 else 1)


if __name__ == "__main__":
    from run import render

    print(render([("scale", row) for row in run()]))
