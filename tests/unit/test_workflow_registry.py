"""Guards and actions are registries (engine/workflow.py GUARDS, ACTIONS; storage's
handlers keyed by the same names): an unknown name is a coded error at its line, a guard
registered by a test runs, and every engine action has a storage handler."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engine import ErrorCode, convert_text
from engine.errors import error
from engine.model import Text
from engine.workflow import GUARDS, GuardContext, GuardFailure, guard, guard_failures
from storage.dossiers.actions import handles, unhandled_actions
from tests.unit.conftest import MINIMAL

SECTION = """\
  - id: main
    title: {fr: Principal, en: Main}
    fields:
      - {id: nom, type: text, label: {fr: Nom, en: Name}}
"""


def _text(transition: str) -> str:
    return (MINIMAL % SECTION).replace(
        "    - {id: send, from: draft, to: sent, guards: [sections_valid]}\n", transition)


def _errors(transition: str) -> list[str]:
    return [str(e) for e in convert_text(_text(transition), "wf.yaml").errors]


def test_check__unknown_guard__refused_at_the_transition_line():
    assert _errors("    - {id: send, from: draft, to: sent, guards: [signed]}\n") == [
        str(error(ErrorCode.UNKNOWN_GUARD, "wf.yaml", 18, transition="send", guard="signed",
                  known=", ".join(GUARDS)))]


def test_check__unknown_action_and_bare_document__refused_at_their_lines():
    transition = ("    - id: send\n      from: draft\n      to: sent\n"
                  "      actions:\n        - archive\n        - document\n")
    assert _errors(transition) == [
        str(error(ErrorCode.UNKNOWN_ACTION, "wf.yaml", 22, transition="send", action="archive",
                  known="freeze_recap, document, message, assign, unlock_for_correction")),
        str(error(ErrorCode.ACTION_REF, "wf.yaml", 23, action="document",
                  how="{document: <id>}")),
    ]


@pytest.fixture
def signed_guard():
    """A guard registered for one test: fails until the answer `nom` is "Signé"."""
    @guard("signed")
    def signed(ctx: GuardContext) -> list[GuardFailure]:
        if ctx.cleaned.get("nom") == "Signé":
            return []
        return [GuardFailure("unsigned", Text("Non signé.", "Not signed."))]
    yield signed
    del GUARDS["signed"]


def test_guard_registered__accepted_by_the_checker_and_run(signed_guard):
    result = convert_text(_text("    - {id: send, from: draft, to: sent, guards: [signed]}\n"))
    assert result.ok, [str(e) for e in result.errors]
    send = result.compiled.definition.workflow.transition("send")
    now = datetime(2026, 1, 5, 12)
    judged = [guard_failures(result.compiled, send, "draft", {"nom": nom}, date(2026, 2, 1),
                             now, birth_date=date(1990, 1, 1)) for nom in ("Marie", "Signé")]
    assert [[f.code for f in failures] for failures in judged] == [["unsigned"], []]


def test_storage_handlers__every_engine_action_handled_unknown_name_refused():
    assert unhandled_actions() == []
    with pytest.raises(ValueError):
        handles("archive")
