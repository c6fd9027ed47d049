"""`workflow.reminders` and `workflow.retention` (issue 17): read into the model with
their durations, and every mistake told at its line in a plain sentence."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from engine import ErrorCode, convert, convert_text
from engine.durations import parse_duration
from engine.errors import error
from engine.model import Reminder, Retention

AQ = Path(__file__).parents[2] / "forms" / "accompagnement-quebec.yaml"

BASE = """\
id: essai-rappels
version: 1
title: {fr: Essai, en: Test}
numbering: {prefix: E, digits: 6}
deadline_days: 30
sections:
  - id: main
    title: {fr: Principal, en: Main}
    fields:
      - {id: nom, type: text, label: {fr: Nom, en: Name}}
workflow:
  initial: draft
  states:
    draft: {label: {fr: Brouillon, en: Draft}, editable: true}
    done: {label: {fr: Fini, en: Done}}
  transitions:
    - {id: finir, label: {fr: Finir, en: Finish}, from: draft, to: done}
SCHEDULES
messages:
  rappel:
    subject: {fr: "Rappel {number}", en: "Reminder {number}"}
    body: {fr: "Avant le {deadline}.", en: "By {deadline}."}
"""


def convert_with(schedules: str):
    return convert_text(BASE.replace("SCHEDULES", schedules), "d.yaml")


@pytest.mark.parametrize(("text", "expected"), [
    ("14d", timedelta(days=14)), ("12h", timedelta(hours=12)),
    ("30m", timedelta(minutes=30)), ("730d", timedelta(days=730)),
])
def test_parse_duration__days_hours_minutes(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "14", "d", "1.5d", "14 d", "2w", "-3d", "14D", "0d"])
def test_parse_duration__anything_else__plain_sentence(text):
    with pytest.raises(ValueError, match="is not a duration: write a whole number"):
        parse_duration(text)


def test_reminders_and_retention__read_with_their_lines():
    result = convert_with(
        "  reminders:\n"
        "    - {before_deadline: 14d, message: rappel}\n"
        "    - {before_deadline: 36h, message: rappel}\n"
        "  retention: {after: 730d, in_states: [done]}\n")
    assert result.errors == []
    wf = result.definition.workflow
    assert wf.reminders == (Reminder(timedelta(days=14), "rappel", 19),
                            Reminder(timedelta(hours=36), "rappel", 20))
    assert wf.retention == Retention(timedelta(days=730), ("done",), 21)


def test_no_schedules__none():
    wf = convert_with("").definition.workflow
    assert (wf.reminders, wf.retention) == ((), None)


def test_reminder__unknown_message__at_its_line_with_known_ones():
    result = convert_with("  reminders:\n    - {before_deadline: 14d, message: rapel}\n")
    assert [str(e) for e in result.errors] == [str(error(
        ErrorCode.REMINDER_UNKNOWN_MESSAGE, "d.yaml", 19, before="14d", message="rapel",
        known="'rappel'"))]


def test_reminder__longer_than_the_deadline__refused():
    result = convert_with("  reminders:\n    - {before_deadline: 30d, message: rappel}\n")
    assert [str(e) for e in result.errors] == [str(error(
        ErrorCode.REMINDER_TOO_EARLY, "d.yaml", 19, before="30d", days=30))]


def test_duration__malformed__told_at_its_line():
    result = convert_with("  reminders:\n    - {before_deadline: 2 weeks, message: rappel}\n")
    assert [str(e) for e in result.errors] == [
        "d.yaml:19: The reminder `before_deadline: 2 weeks`: `2 weeks` is not a duration: "
        "write a whole number greater than 0 followed by d (days), h (hours) or m (minutes), "
        "without spaces, e.g. `14d`, `12h` or `30m`."]


def test_retention__zero_duration__refused():
    result = convert_with("  retention: {after: 0d, in_states: [done]}\n")
    assert [str(e) for e in result.errors] == [
        "d.yaml:18: The retention's `after`: `0d` is not a duration: write a whole number "
        "greater than 0 followed by d (days), h (hours) or m (minutes), without spaces, "
        "e.g. `14d`, `12h` or `30m`."]


def test_retention__unknown_and_editable_states__each_told():
    result = convert_with("  retention: {after: 10d, in_states: [draft, closed]}\n")
    assert sorted(str(e) for e in result.errors) == sorted([
        str(error(ErrorCode.RETENTION_EDITABLE_STATE, "d.yaml", 18, state="draft")),
        str(error(ErrorCode.RETENTION_UNKNOWN_STATE, "d.yaml", 18, state="closed",
                  known="'draft', 'done'")),
    ])


def test_retention__unknown_key__refused():
    result = convert_with("  retention: {after: 10d, in_states: [done], apres: 3d}\n")
    assert [str(e) for e in result.errors] == [
        "d.yaml:18: `workflow.retention`: unknown key `apres`. The keys known here are: "
        "`after`, `in_states`."]


def test_accompagnement_quebec__reminders_14_and_2_days_and_two_years_retention():
    wf = convert(AQ).definition.workflow
    assert [r.before_deadline for r in wf.reminders] == [timedelta(days=14), timedelta(days=2)]
    assert wf.retention is not None and wf.retention.after == timedelta(days=730)
    assert wf.retention.in_states == ("ferme", "expire")


@pytest.mark.parametrize("text", ["36601d", "878401h", "99999999999999999999d"])
def test_parse_duration__longer_than_a_century__plain_sentence(text):
    """A huge duration once passed the checker and raised OverflowError when a date was
    computed from it; now the designer reads why at its line."""
    with pytest.raises(ValueError, match=f"`{text}` is too long: a duration is at most"):
        parse_duration(text)
    assert parse_duration("36600d") == timedelta(days=36600)


def test_retention__longer_than_a_century__told_at_its_line():
    result = convert_with("  retention: {after: 99999999999d, in_states: [done]}\n")
    assert [str(e) for e in result.errors] == [
        "d.yaml:18: The retention's `after`: `99999999999d` is too long: a duration is at "
        "most 36600d (36600 days, 100 years)."]
