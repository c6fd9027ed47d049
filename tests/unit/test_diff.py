"""`engine.diff`: every kind of change between two versions of a dossier type is classified
(compatible, asks_new, needs_migration, needs_review) and placed at the line a designer
edits: the new file's, or the old file's for what was removed (issue #14, item 7).

Each case edits the small definition BASE below (owned by this test, never forms/) and
says which changes it makes, of what class, at which line, with which message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from engine import convert_text
from engine.diff import Effect, Kind, compatible, diff, implies
from engine.model import AllOf, AnyOf, FieldTest

OLD, NEW = "old.yaml", "new.yaml"
MIGRATE = "(or renamed: declare it in `migrations`)"

SECONDE = """\
  - id: seconde
    title: {fr: Seconde, en: Second}
    fields:
      - id: cases
        type: checkboxes
        max_items: 2
        label: {fr: Cases, en: Boxes}
        options:
          - {value: a, label: {fr: A, en: A}}
          - {value: b, label: {fr: B, en: B}}
"""

BASE = """\
id: ecarts
version: 1
title: {fr: Écarts, en: Differences}
numbering: {prefix: E, digits: 6}
deadline_days: 30
eligibility:
  - min_age: 18
    message: {fr: Dix-huit ans au moins., en: At least eighteen.}
sections:
  - id: premiere
    title: {fr: Première, en: First}
    fields:
      - id: oui_non
        type: yesno
        label: {fr: "Oui ou non ?", en: "Yes or no?"}
      - id: choix
        type: radio
        label: {fr: Choix, en: Choice}
        help: {fr: Une seule réponse., en: One answer.}
        options:
          - {value: un, label: {fr: Un, en: One}}
          - {value: deux, when: {oui_non: true}, label: {fr: Deux, en: Two}}
          - {value: trois, label: {fr: Trois, en: Three}}
        messages:
          required: {fr: Choisissez., en: Choose.}
      - id: nom
        type: text
        when: {oui_non: true}
        label: {fr: Nom, en: Name}
      - id: code
        type: text
        required: false
        when: {choix: {in: [un, trois]}}
        normalize: [strip, upper]
        pattern: "^[A-Z0-9]+$"
        min_length: 2
        max_length: 8
        mask: true
        label: {fr: Code, en: Code}
    rules:
      - id: au_moins
        require: {any: [{oui_non: true}, {choix: un}]}
        message: {fr: Oui ou un., en: Yes or one.}
""" + SECONDE + """\
workflow:
  initial: brouillon
  states:
    brouillon: {label: {fr: Brouillon, en: Draft}, editable: true}
    envoye: {label: {fr: Envoyé, en: Sent}}
  transitions:
    - id: envoyer
      label: {fr: Envoyer, en: Send}
      from: brouillon
      to: envoye
      guards: [sections_valid]
    - {id: rappeler, from: envoye, to: brouillon}
documents:
  recap:
    title: {fr: Récapitulatif, en: Summary}
    sections: [premiere, seconde]
messages:
  merci:
    subject: {fr: Merci, en: Thanks}
    body: {fr: Reçu., en: Received.}
"""

NOM = """\
      - id: nom
        type: text
        when: {oui_non: true}
        label: {fr: Nom, en: Name}
"""

DEUX = "          - {value: deux, when: {oui_non: true}, label: {fr: Deux, en: Two}}\n"

NEW_SECTION = """\
  - id: troisieme
    title: {fr: Troisième, en: Third}
    fields:
      - id: remarque
        type: textarea
        required: false
        label: {fr: Remarque, en: Remark}
workflow:
"""


@dataclass
class Case:
    """One edit of BASE: `edits` are (text, replacement) pairs, each found once in BASE.

    kind, effect: the change expected; at: a text found on one line only, in the new
    file (or the old one when `old` is set); params: the template's parameters, when
    the exact message is asserted; others: the other kinds the same edit makes.
    """

    kind: Kind
    effect: Effect
    edits: list[tuple[str, str]]
    at: str
    old: bool = False
    offset: int = 0
    params: dict[str, object] | None = None
    others: tuple[Kind, ...] = ()
    ids: dict[str, str] = field(default_factory=dict)


def edited(edits: list[tuple[str, str]], version: int = 2) -> str:
    text = BASE.replace("version: 1", f"version: {version}")
    for before, after in edits:
        assert BASE.count(before) == 1, before
        text = text.replace(before, after)
    return text


def line_of(text: str, at: str) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), 1) if at in line]
    assert len(lines) == 1, (at, lines)
    return lines[0]


def changes_between(old_text: str, new_text: str):
    old, new = convert_text(old_text, OLD), convert_text(new_text, NEW)
    assert old.ok and new.ok, [str(e) for e in old.errors + new.errors]
    return diff(old, new)


MIGRATIONS = "migrations:\n  - from: 1\n"  # a migration's head, its keys follow
C, A, M, R = Effect.COMPATIBLE, Effect.ASKS_NEW, Effect.NEEDS_MIGRATION, Effect.NEEDS_REVIEW
K = Kind
F_CHOIX = {"section": "premiere", "field": "choix"}

CASES = {
    # questions
    "field_added_optional": Case(
        K.FIELD_ADDED_OPTIONAL, C,
        [("      - id: code\n", "      - id: surnom\n        type: text\n        required: false\n"
          "        label: {fr: Surnom, en: Nickname}\n      - id: code\n")],
        "id: surnom", params={"field": "surnom", "section": "premiere"}),
    "field_added_required": Case(
        K.FIELD_ADDED_REQUIRED, A,
        [("      - id: code\n", "      - id: age\n        type: text\n"
          "        label: {fr: Âge, en: Age}\n      - id: code\n")],
        "id: age", params={"field": "age", "section": "premiere", "when": ""}),
    "field_added_required_with_condition": Case(
        K.FIELD_ADDED_REQUIRED, A,
        [("      - id: code\n", "      - id: age\n        type: text\n"
          "        when: {oui_non: true}\n        label: {fr: Âge, en: Age}\n      - id: code\n")],
        "id: age", params={"field": "age", "section": "premiere",
                           "when": " (when its condition holds)"}),
    "field_removed": Case(
        K.FIELD_REMOVED, M,
        [(NOM, "")], "id: nom", old=True, params={"field": "nom"},
        ids={"section": "premiere", "field": "nom"}),
    "field_moved": Case(
        K.FIELD_MOVED, C,
        [("          - {value: b, label: {fr: B, en: B}}\n",
          "          - {value: b, label: {fr: B, en: B}}\n      - id: nom\n        type: text\n"
          "        label: {fr: Nom, en: Name}\n"),
         (NOM, "")],
        "id: nom", params={"field": "nom", "old": "premiere", "new": "seconde"},
        others=(K.CONDITION_WIDENED,)),
    "fields_reordered": Case(
        K.FIELDS_REORDERED, C, [(NOM, ""), ("        label: {fr: Code, en: Code}\n",
                                            "        label: {fr: Code, en: Code}\n" + NOM)],
        "- id: premiere", params={"section": "premiere"}),
    "field_now_required": Case(
        K.FIELD_NOW_REQUIRED, A, [("        required: false\n        when: {choix",
                                   "        required: true\n        when: {choix")],
        "required: true", params={"field": "code"}),
    "field_now_optional": Case(
        K.FIELD_NOW_OPTIONAL, C, [("        label: {fr: Nom, en: Name}\n",
                                   "        required: false  # nom\n"
                                   "        label: {fr: Nom, en: Name}\n")],
        "required: false  # nom", params={"field": "nom"}),
    "type_changed": Case(
        K.TYPE_CHANGED, M, [("      - id: nom\n        type: text", "      - id: nom\n"
            "        type: date")],
        "type: date", params={"field": "nom", "old": "text", "new": "date"}),
    "input_changed": Case(
        K.INPUT_CHANGED, C, [("      - id: nom\n        type: text",
                              "      - id: nom\n        type: textarea")],
        "type: textarea", params={"field": "nom", "old": "text", "new": "textarea"}),
    # texts
    "label_changed": Case(
        K.LABEL_CHANGED, C, [("label: {fr: Choix, en: Choice}", "label: {fr: Option, en: Choice}")],
        "label: {fr: Option", params={"owner": "the field 'choix'"}, ids=F_CHOIX),
    "help_changed": Case(
        K.HELP_CHANGED, C, [("help: {fr: Une seule réponse.", "help: {fr: Un seul choix.")],
        "help: {fr: Un seul choix.", params={"owner": "the field 'choix'"}),
    "message_changed": Case(
        K.TEXT_CHANGED, C, [("required: {fr: Choisissez.", "required: {fr: Choisissez-en un.")],
        "required: {fr: Choisissez-en un.",
        params={"name": "message 'required'", "owner": "the field 'choix'"}),
    "section_title_changed": Case(
        K.TEXT_CHANGED, C, [("title: {fr: Seconde,", "title: {fr: Deuxième,")],
        "title: {fr: Deuxième,", params={"name": "title", "owner": "the section 'seconde'"}),
    "option_label_changed": Case(
        K.LABEL_CHANGED, C, [("label: {fr: Trois, en: Three}",
            "label: {fr: Trois (3), en: Three}")],
        "value: trois", params={"owner": "the option 'trois' of the field 'choix'"}),
    "title_changed": Case(
        K.TEXT_CHANGED, C, [("title: {fr: Écarts,", "title: {fr: Différences,")],
        "title: {fr: Différences,", params={"name": "title", "owner": "the dossier type"}),
    # options
    "option_added": Case(
        K.OPTION_ADDED, C, [("          - {value: b, label: {fr: B, en: B}}\n",
                             "          - {value: b, label: {fr: B, en: B}}\n"
                             "          - {value: c, label: {fr: C, en: C}}\n")],
        "value: c,", params={"part": "option", "option": "c", "field": "cases"},
        ids={"section": "seconde", "field": "cases", "option": "c"}),
    "option_removed": Case(
        K.OPTION_REMOVED, M, [(DEUX, "")], "value: deux", old=True,
        params={"part": "option", "option": "deux", "field": "choix"}),
    "options_reordered": Case(
        K.OPTIONS_REORDERED, C,
        [("          - {value: a, label: {fr: A, en: A}}\n"
          "          - {value: b, label: {fr: B, en: B}}",
          "          - {value: b, label: {fr: B, en: B}}\n"
          "          - {value: a, label: {fr: A, en: A}}")],
        "value: b,", offset=-1, params={"part": "option", "field": "cases"}),
    "option_offered_more": Case(
        K.OPTION_OFFERED_MORE, C, [("{value: deux, when: {oui_non: true}, ", "{value: deux, ")],
        "value: deux", params={"part": "option", "option": "deux", "field": "choix"}),
    "option_offered_less": Case(
        K.OPTION_OFFERED_LESS, A, [("{value: un, label",
            "{value: un, when: {oui_non: false}, label")],
        "value: un,", params={"part": "option", "option": "un", "field": "choix"}),
    # conditions
    "condition_widened_required": Case(
        K.CONDITION_WIDENED, A, [("when: {oui_non: true}\n        label: {fr: Nom",
                                  "when: {oui_non: {answered: true}}\n        label: {fr: Nom")],
        "answered: true", params={"field": "nom", "consequence": ": drafts must answer it"}),
    "condition_widened_optional": Case(
        K.CONDITION_WIDENED, C, [("when: {choix: {in: [un, trois]}}",
                                  "when: {choix: {in: [un, deux, trois]}}")],
        "in: [un, deux, trois]", params={"field": "code", "consequence": " (it is optional)"}),
    "condition_removed_required": Case(
        K.CONDITION_WIDENED, A, [("        when: {oui_non: true}\n        label: {fr: Nom",
                                  "        label: {fr: Nom")],
        "- id: nom", params={"field": "nom", "consequence": ": drafts must answer it"}),
    "condition_narrowed": Case(
        K.CONDITION_NARROWED, R, [("when: {oui_non: true}\n        label: {fr: Nom",
                                   "when: {oui_non: true, choix: un}\n        label: {fr: Nom")],
        "when: {oui_non: true, choix: un}", params={"field": "nom"}),
    "condition_changed_required": Case(
        K.CONDITION_CHANGED, A, [("when: {oui_non: true}\n        label: {fr: Nom",
                                  "when: {oui_non: false}\n        label: {fr: Nom")],
        "when: {oui_non: false}", params={"field": "nom",
            "consequence": ": drafts must answer it"}),
    "condition_changed_optional": Case(
        K.CONDITION_CHANGED, R, [("when: {choix: {in: [un, trois]}}", "when: {choix: deux}")],
        "when: {choix: deux}", params={"field": "code", "consequence": " (it is optional)"}),
    "condition_rewritten": Case(
        K.CONDITION_REWRITTEN, C, [("when: {choix: {in: [un, trois]}}",
                                    "when: {choix: {in: [trois, un]}}")],
        "in: [trois, un]", params={"owner": "the field 'code'"}),
    # patterns and bounds
    "pattern_changed": Case(
        K.PATTERN_CHANGED, A, [('pattern: "^[A-Z0-9]+$"', 'pattern: "^[A-Z]+$"')],
        "pattern:", params={"field": "code", "old": "'^[A-Z0-9]+$'", "new": "'^[A-Z]+$'"}),
    "pattern_added": Case(
        K.PATTERN_CHANGED, A, [("        label: {fr: Nom, en: Name}\n",
                                "        label: {fr: Nom, en: Name}\n"
                                "        pattern: \"^[a-z]+$\"\n")],
        "pattern: \"^[a-z]", params={"field": "nom", "old": "none", "new": "'^[a-z]+$'"}),
    "pattern_removed": Case(
        K.PATTERN_REMOVED, C, [('        pattern: "^[A-Z0-9]+$"\n', "")],
        "- id: code", params={"field": "code"}),
    "min_length_raised": Case(
        K.BOUNDS_NARROWED, A, [("min_length: 2", "min_length: 3")], "min_length: 3",
        params={"bound": "min_length", "field": "code", "old": "2", "new": "3"}),
    "max_length_lowered": Case(
        K.BOUNDS_NARROWED, A, [("max_length: 8", "max_length: 6")], "max_length: 6",
        params={"bound": "max_length", "field": "code", "old": "8", "new": "6"}),
    "min_items_added": Case(
        K.BOUNDS_NARROWED, A, [("max_items: 2", "max_items: 2\n        min_items: 1")],
        "min_items: 1", params={"bound": "min_items", "field": "cases", "old": "none", "new": "1"}),
    "max_length_raised": Case(
        K.BOUNDS_WIDENED, C, [("max_length: 8", "max_length: 12")], "max_length: 12",
        params={"bound": "max_length", "field": "code", "old": "8", "new": "12"}),
    "max_items_removed": Case(
        K.BOUNDS_WIDENED, C, [("        max_items: 2\n", "")], "- id: cases",
        params={"bound": "max_items", "field": "cases", "old": "2", "new": "none"}),
    "normalize_changed": Case(
        K.NORMALIZE_CHANGED, R, [("normalize: [strip, upper]",
            "normalize: [strip, digits, upper]")],
        "normalize:", params={"field": "code", "old": "[strip, upper]",
                              "new": "[strip, digits, upper]"}),
    "mask_changed": Case(
        K.DISPLAY_CHANGED, C, [("        mask: true\n", "")], "- id: code",
        params={"name": "mask", "owner": "the field 'code'", "values": " from True to False"}),
    # rules
    "rule_added": Case(
        K.RULE_ADDED, A, [("    rules:\n", "    rules:\n      - id: nom_ou_code\n"
                           "        require:\n"
                           "          any: [{nom: {answered: true}}, {code: {answered: true}}]\n"
                           "        message: {fr: Nom ou code., en: Name or code.}\n")],
        "id: nom_ou_code", params={"rule": "'nom_ou_code'", "section": "premiere"}),
    "rule_removed": Case(
        K.RULE_REMOVED, C, [("    rules:\n      - id: au_moins\n"
                             "        require: {any: [{oui_non: true}, {choix: un}]}\n"
                             "        message: {fr: Oui ou un., en: Yes or one.}\n", "")],
        "id: au_moins", old=True, params={"rule": "'au_moins'", "section": "premiere"}),
    "rule_changed": Case(
        K.RULE_CHANGED, A, [("{choix: un}]}", "{choix: trois}]}")], "id: au_moins",
        params={"rule": "'au_moins'", "section": "premiere"}),
    "rule_relaxed": Case(
        K.RULE_RELAXED, C, [("{choix: un}]}", "{choix: {in: [un, trois]}}]}")], "id: au_moins",
        params={"rule": "'au_moins'", "section": "premiere"}),
    # sections
    "section_added": Case(
        K.SECTION_ADDED, C, [("workflow:\n", NEW_SECTION)], "id: troisieme",
        params={"section": "troisieme"}, others=(K.FIELD_ADDED_OPTIONAL,)),
    "section_removed": Case(
        K.SECTION_REMOVED, R, [(SECONDE, ""), ("sections: [premiere, seconde]",
            "sections: [premiere]")],
        "- id: seconde", old=True, params={"section": "seconde"},
        others=(K.FIELD_REMOVED, K.PROPERTY_CHANGED)),
    "section_moved": Case(
        K.SECTION_MOVED, C, [(SECONDE, ""), ("  - id: premiere\n", SECONDE + "  - id: premiere\n")],
        "- id: seconde", params={"section": "seconde", "old": 2, "new": 1},
        others=(K.SECTION_MOVED,)),
    # workflow
    "state_added": Case(
        K.STATE_ADDED, C, [("    envoye: {label: {fr: Envoyé, en: Sent}}\n",
                            "    envoye: {label: {fr: Envoyé, en: Sent}}\n"
                            "    clos: {label: {fr: Clos, en: Closed}}\n"),
                           ("      guards: [sections_valid]\n",
                            "      guards: [sections_valid]\n"
                                "    - {id: clore, from: envoye, to: clos}\n")],
        "clos: {label", params={"state": "clos"}, others=(K.ITEM_ADDED,)),
    "state_removed": Case(
        K.STATE_REMOVED, M, [("    envoye: {label: {fr: Envoyé, en: Sent}}\n",
                              "    transmis: {label: {fr: Envoyé, en: Sent}}\n"),
                             ("to: envoye", "to: transmis"),
                             ("rappeler, from: envoye", "rappeler, from: transmis")],
        "envoye: {label", old=True, params={"state": "envoye"},
        others=(K.STATE_ADDED, K.PROPERTY_CHANGED, K.PROPERTY_CHANGED)),
    "state_label_changed": Case(
        K.LABEL_CHANGED, C, [("{fr: Envoyé, en: Sent}", "{fr: Transmis, en: Sent}")],
        "Transmis", params={"owner": "the state 'envoye'"}),
    "state_editable_changed": Case(
        K.STATE_EDITABLE_CHANGED, R, [("{label: {fr: Envoyé, en: Sent}}",
                                       "{label: {fr: Envoyé, en: Sent}, editable: true}")],
        "Envoyé, en: Sent}, editable",
        params={"state": "envoye", "now": "editable"}),
    "initial_changed": Case(
        K.INITIAL_CHANGED, R, [("initial: brouillon", "initial: envoye"),
                               ("{label: {fr: Envoyé, en: Sent}}",
                                "{label: {fr: Envoyé, en: Sent}, editable: true}")],
        "initial: envoye", params={"old": "brouillon", "new": "envoye"},
        others=(K.STATE_EDITABLE_CHANGED,)),
    "transition_changed": Case(
        K.PROPERTY_CHANGED, R, [("guards: [sections_valid]\n", "guards: [sections_valid]\n"
                                 "      by: deadline\n")],
        "by: deadline", params={"name": "by", "owner": "the transition 'envoyer'",
                                     "values": " from 'applicant' to 'deadline'"}),
    "transition_added": Case(
        K.ITEM_ADDED, R, [("guards: [sections_valid]\n", "guards: [sections_valid]\n"
                           "    - {id: retour, from: envoye, to: brouillon}\n")],
        "id: retour", params={"what": "transition", "id": "retour"}),
    "transition_removed": Case(
        K.ITEM_REMOVED, R, [("    - {id: rappeler, from: envoye, to: brouillon}\n", "")],
        "id: rappeler", old=True, params={"what": "transition", "id": "rappeler"}),
    # documents, messages, profile, the dossier type
    "document_added": Case(
        K.ITEM_ADDED, C, [("documents:\n", "documents:\n  court:\n"
                           "    title: {fr: Court, en: Short}\n    sections: [premiere]\n")],
        "court:", params={"what": "document", "id": "court"}),
    "message_removed": Case(
        K.ITEM_REMOVED, R, [("messages:\n  merci:\n    subject: {fr: Merci, en: Thanks}\n"
                             "    body: {fr: Reçu., en: Received.}\n", "")],
        "merci:", old=True, params={"what": "message", "id": "merci"}),
    "document_sections_changed": Case(
        K.PROPERTY_CHANGED, R, [("sections: [premiere, seconde]", "sections: [seconde, premiere]")],
        "sections: [seconde, premiere]",
        params={"name": "sections", "owner": "the document 'recap'",
                "values": " from [premiere, seconde] to [seconde, premiere]"}),
    "profile_changed": Case(
        K.PROFILE_CHANGED, C, [("documents:\n", "profile:\n  groups:\n"
                                "    - fields: [given_names]\ndocuments:\n")],
        "profile:", params={}),
    "numbering_changed": Case(
        K.PROPERTY_CHANGED, R, [("prefix: E,", "prefix: F,")], "prefix: F",
        params={"name": "prefix", "owner": "numbering of the dossier type",
                "values": " from 'E' to 'F'"}),
    "deadline_changed": Case(
        K.PROPERTY_CHANGED, R, [("deadline_days: 30", "deadline_days: 20")], "deadline_days",
        params={"name": "deadline_days", "owner": "the dossier type",
                "values": " from 30 to 20"}),
    "eligibility_changed": Case(
        K.PROPERTY_CHANGED, R, [("min_age: 18", "min_age: 21")], "- min_age",
        params={"name": "min_age", "owner": "eligibility[0] of the dossier type",
                "values": " from 18 to 21"}),
    # declared migrations (issue 14, item 3): renames reported as renames
    "field_renamed": Case(
        K.FIELD_RENAMED, C, [("      - id: nom\n", "      - id: prenom\n"),
                             ("deadline_days: 30\n", "deadline_days: 30\n" + MIGRATIONS
                              + "    rename_fields: {nom: prenom}\n")],
        "id: prenom", params={"old": "nom", "field": "prenom"}),
    "field_dropped": Case(
        K.FIELD_DROPPED, C, [(NOM, ""), ("deadline_days: 30\n", "deadline_days: 30\n"
                                         + MIGRATIONS + "    drop_fields: [nom]\n")],
        "id: nom", old=True, params={"field": "nom"}),
    "option_renamed": Case(
        K.OPTION_RENAMED, C, [(DEUX, DEUX.replace("value: deux", "value: deux_bis")),
                              ("deadline_days: 30\n", "deadline_days: 30\n" + MIGRATIONS
                               + "    rename_options: {choix: {deux: deux_bis}}\n")],
        "value: deux_bis", params={"part": "option", "old": "deux", "option": "deux_bis"}),
    "state_renamed": Case(
        K.STATE_RENAMED, C, [("    envoye: {label: {fr: Envoyé, en: Sent}}\n",
                              "    transmis: {label: {fr: Envoyé, en: Sent}}\n"),
                             ("to: envoye", "to: transmis"),
                             ("rappeler, from: envoye", "rappeler, from: transmis"),
                             ("deadline_days: 30\n", "deadline_days: 30\n" + MIGRATIONS
                              + "    rename_states: {envoye: transmis}\n")],
        "transmis: {label", params={"old": "envoye", "state": "transmis"},
        others=(K.PROPERTY_CHANGED, K.PROPERTY_CHANGED)),
    "drafts_changed": Case(
        K.DRAFTS_CHANGED, C, [("deadline_days: 30\n", "deadline_days: 30\ndrafts: migrate\n"
                               + MIGRATIONS)],
        "drafts: migrate", params={"old": "keep", "new": "migrate"}),
    "type_id_changed": Case(
        K.TYPE_ID_CHANGED, M, [("id: ecarts", "id: ecarts-bis")], "id: ecarts-bis",
        params={"old": "ecarts", "new": "ecarts-bis"}),
}


@pytest.mark.parametrize("name", CASES)
def test_diff__each_kind_of_change__classified_at_its_line(name):
    case = CASES[name]
    new_text = edited(case.edits)
    changes = changes_between(BASE, new_text)
    assert sorted(c.kind.name for c in changes) == sorted(
        k.name for k in (case.kind, *case.others)), [str(c) for c in changes]
    change = next(c for c in changes if c.kind is case.kind)
    assert change.effect is case.effect
    assert (change.path, change.line - case.offset) == (
        (OLD, line_of(BASE, case.at)) if case.old else (NEW, line_of(new_text, case.at)))
    if case.params is not None:
        assert change.message == case.kind.template.format(**{**change.ids, **case.params})
    if case.effect is not Effect.COMPATIBLE:
        assert not compatible(changes)
    if case.ids:
        assert change.ids == case.ids


def test_diff__catalogue__every_kind_has_a_case():
    assert {c.kind for c in CASES.values()} | {K.VERSION_NOT_INCREASED} == set(Kind)


def test_diff__removals__say_they_may_be_renames():
    for name in ("field_removed", "option_removed", "state_removed"):
        change = next(c for c in changes_between(BASE, edited(CASES[name].edits))
                      if c.kind is CASES[name].kind)
        assert MIGRATE in change.message


def test_diff__same_meaning_other_layout__no_change():
    reordered = BASE.replace("numbering: {prefix: E, digits: 6}",
        "numbering: {digits: 6, prefix: E}")
    reordered = reordered.replace("title: {fr: Première, en: First}",
                                  "title:  # the page's heading\n      fr: Première\n"
                                      "      en: First")
    assert changes_between(BASE, reordered) == []


def test_diff__content_changed_version_kept__asks_for_a_higher_version():
    new_text = edited([("label: {fr: Choix,", "label: {fr: Option,")], version=1)
    changes = changes_between(BASE, new_text)
    kept = next(c for c in changes if c.kind is K.VERSION_NOT_INCREASED)
    assert (kept.effect, kept.line) == (R, line_of(new_text, "version: 1"))
    assert kept.message == K.VERSION_NOT_INCREASED.template.format(old=1, new=1)


def test_diff__order__migrations_first_compatible_last():
    new_text = edited([("label: {fr: Choix,", "label: {fr: Option,"),
                       ("max_length: 8", "max_length: 6"),
                       (DEUX, "")])
    effects = [c.effect for c in changes_between(BASE, new_text)]
    assert effects == [M, A, C]


def test_diff__definition_with_errors__refused():
    old = convert_text(BASE, OLD)
    broken = convert_text(BASE.replace("to: envoye", "to: nulle_part"), NEW)
    with pytest.raises(ValueError):
        diff(old, broken)


def test_implies__all_any_in_answered():
    a = FieldTest("x", "eq", "u", 1)
    b = FieldTest("x", "in", ["u", "v"], 1)
    y = FieldTest("y", "eq", True, 1)
    assert implies(a, b) and not implies(b, a)
    assert implies(AllOf((a, y), 1), a) and not implies(a, AllOf((a, y), 1))
    assert implies(a, AnyOf((y, a), 1)) and not implies(AnyOf((y, a), 1), a)
    assert implies(b, FieldTest("x", "answered", True, 1))
    assert implies(None, None) and implies(a, None) and not implies(None, a)


def test_diff__conditions_following_a_declared_rename__no_change_reported():
    """Found by a designer's trial: renaming `oui_non` (declared) and writing the `when`s
    that test it with the new id reported "drafts must answer it" (asks_new) for `nom`;
    likewise a renamed option tested by `code`'s `in`, and the rule's conditions. Only
    the renames are reported."""
    new = edited([
        ("          - {value: trois, label:", "          - {value: trois_bis, label:"),
        ("when: {choix: {in: [un, trois]}}", "when: {choix: {in: [un, trois_bis]}}"),
    ]).replace("oui_non", "oui_ou_non").replace("deadline_days: 30\n", (
        "deadline_days: 30\n" + MIGRATIONS + "    rename_fields: {oui_non: oui_ou_non}\n"
        "    rename_options: {choix: {trois: trois_bis}}\n"))
    assert BASE.count("oui_non") == 4  # the id, fields', an option's and a rule's conditions
    changes = changes_between(BASE, new)
    assert sorted(c.kind.name for c in changes) == [
        "FIELD_RENAMED", "OPTION_RENAMED"], [str(c) for c in changes]
