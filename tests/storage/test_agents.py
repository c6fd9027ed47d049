"""Agent accounts: enrolment link single use and 24 h, TOTP codes used once, disabled
agents shut out, audit rows that cannot be changed."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from pony.orm import db_session

import storage
from storage.orm.db import database
from tests.definitions import ESSAI

PASSWORD = "phrase-de-passe-agent"


def _code(secret: str, shift: int = 0) -> str:
    return pyotp.TOTP(secret).at(storage.clock.now().timestamp() + shift)


def enrolled(email: str = "agent@example.gc.ca", role: str = "agent") -> tuple[int, str]:
    view, token = storage.create_agent(email, "Agent Un", role, [ESSAI])
    secret = storage.enrolment_secret(token)
    storage.complete_enrolment(token, PASSWORD, _code(secret))
    return view.id, secret


def test_created_agent_cannot_log_in_before_enrolment():
    view, token = storage.create_agent(" Agent@Example.GC.ca ", "Agent Un", "agent", [ESSAI])
    assert view.email == "agent@example.gc.ca" and view.types == (ESSAI,)
    assert not view.enrolled and not view.is_supervisor
    assert storage.check_enrolment(token) == view
    assert storage.agent_login("agent@example.gc.ca", PASSWORD) is None


def test_enrolment_link_works_once():
    storage.clock.set(storage.clock.now())
    view, token = storage.create_agent("a@example.gc.ca", "A", "supervisor", [])
    secret = storage.enrolment_secret(token)
    done = storage.complete_enrolment(token, PASSWORD, _code(secret))
    assert done.enrolled and done.is_supervisor
    assert storage.check_enrolment(token) is None
    with pytest.raises(storage.AgentRefused) as refused:
        storage.complete_enrolment(token, "autre-phrase-de-passe", _code(secret, 30))
    assert refused.value.code == "enrolment"
    assert storage.agent_login("A@example.gc.ca", PASSWORD).id == view.id


def test_enrolment_link_expires_after_24_hours():
    storage.clock.set(storage.clock.now())
    _, token = storage.create_agent("a@example.gc.ca", "A", "agent", [ESSAI])
    storage.clock.advance(timedelta(hours=23, minutes=59))
    assert storage.check_enrolment(token) is not None
    secret = storage.enrolment_secret(token)
    storage.clock.advance(timedelta(minutes=2))
    assert storage.check_enrolment(token) is None
    assert storage.enrolment_secret(token) is None
    with pytest.raises(storage.AgentRefused) as refused:
        storage.complete_enrolment(token, PASSWORD, _code(secret))
    assert refused.value.code == "enrolment"


def test_wrong_first_code_changes_nothing():
    _, token = storage.create_agent("a@example.gc.ca", "A", "agent", [ESSAI])
    secret = storage.enrolment_secret(token)
    wrong = f"{(int(_code(secret)) + 1) % 1_000_000:06d}"
    with pytest.raises(storage.AgentRefused) as refused:
        storage.complete_enrolment(token, PASSWORD, wrong)
    assert refused.value.code == "code"
    assert storage.check_enrolment(token) is not None


def test_unknown_type_and_role_and_duplicate_email_refused():
    with pytest.raises(storage.AgentRefused) as refused:
        storage.create_agent("a@example.gc.ca", "A", "agent", ["inconnu"])
    assert refused.value.code == "types" and ESSAI in refused.value.known
    with pytest.raises(storage.AgentRefused) as refused:
        storage.create_agent("a@example.gc.ca", "A", "chef", [ESSAI])
    assert refused.value.code == "role"
    storage.create_agent("a@example.gc.ca", "A", "agent", [ESSAI])
    with pytest.raises(storage.AgentRefused) as refused:
        storage.create_agent("A@EXAMPLE.gc.ca", "B", "agent", [ESSAI])
    assert refused.value.code == "email_taken"


@pytest.mark.parametrize("email, name, role, types, code", [
    ("notanemail", "A", "agent", [ESSAI], "email"),
    ("a@example.gc.ca", "  ", "agent", [ESSAI], "name"),
    ("a@example.gc.ca", "N" * 201, "agent", [ESSAI], "name_long"),
    ("a@example.gc.ca", "A", "agent", [" "], "no_types"),
])
def test_bad_address_empty_name_and_agent_without_types_refused(email, name, role, types,
                                                                  code):
    with pytest.raises(storage.AgentRefused) as refused:
        storage.create_agent(email, name, role, types)
    assert refused.value.code == code
    assert storage.list_agents() == []


def test_totp_code_is_accepted_once():
    storage.clock.set(storage.clock.now())
    agent_id, secret = enrolled()
    storage.clock.advance(timedelta(seconds=60))
    code = _code(secret)
    assert storage.verify_agent_code(agent_id, code)
    assert not storage.verify_agent_code(agent_id, code)  # replayed
    storage.clock.advance(timedelta(seconds=30))
    assert storage.verify_agent_code(agent_id, _code(secret))


def test_totp_code_of_an_earlier_step_refused_after_a_later_one():
    storage.clock.set(storage.clock.now())
    agent_id, secret = enrolled()
    storage.clock.advance(timedelta(seconds=120))
    previous = _code(secret, -30)  # still in the drift window
    assert storage.verify_agent_code(agent_id, _code(secret))
    assert not storage.verify_agent_code(agent_id, previous)


def test_totp_code_outside_the_window_refused():
    storage.clock.set(storage.clock.now())
    agent_id, secret = enrolled()
    storage.clock.advance(timedelta(seconds=300))
    assert not storage.verify_agent_code(agent_id, _code(secret, -90))
    assert not storage.verify_agent_code(agent_id, "12345")
    assert not storage.verify_agent_code(agent_id, "abcdef")


def test_disabled_agent_cannot_log_in():
    storage.clock.set(storage.clock.now())
    agent_id, secret = enrolled()
    storage.disable_agent(agent_id)
    assert storage.agent_login("agent@example.gc.ca", PASSWORD) is None
    storage.clock.advance(timedelta(seconds=60))
    assert not storage.verify_agent_code(agent_id, _code(secret))
    assert storage.agent_visit(agent_id, "sid") is None
    assert storage.get_agent(agent_id).disabled
    assert [a.disabled for a in storage.list_agents()] == [True]


def test_wrong_password_refused():
    enrolled()
    assert storage.agent_login("agent@example.gc.ca", "pas-le-bon-mot") is None
    assert storage.agent_login("personne@example.gc.ca", PASSWORD) is None


def test_renewed_enrolment_clears_the_old_credentials():
    agent_id, _ = enrolled()
    view, token = storage.renew_enrolment(agent_id)
    assert not view.enrolled and storage.check_enrolment(token).id == agent_id
    assert storage.agent_login("agent@example.gc.ca", PASSWORD) is None


def test_agent_events_are_recorded_with_address_and_cannot_be_changed():
    agent_id, _ = enrolled()
    storage.record_agent_event(agent_id, "login", None, "2001:db8::1", {"step": "code"})
    with db_session:
        event = database().AuditEvent.select().first()
        assert (event.actor, event.action, event.address, event.detail) == (
            f"agent:{agent_id}", "login", "2001:db8::1", {"step": "code"})
    with pytest.raises(TypeError), db_session:
        database().AuditEvent.select().first().action = "autre"
    with pytest.raises(TypeError), db_session:
        database().AuditEvent.select().first().delete()
    with db_session:
        assert database().AuditEvent.select().first().action == "login"


def test_init_db__database_made_before_agents__columns_added(valid_draft):
    """A database from before issue #17: the audit table without `address`, dossiers
    without `assigned_agent_id`. init_db adds both (and the index on the agent), and
    agents' events are recorded in it."""
    with db_session:
        db = database()
        db.execute('DROP INDEX "idx_dossier__assigned_agent_id"')
        db.execute('DROP INDEX "ix_dossier_assigned"')  # the queue's, on the same column
        db.execute('ALTER TABLE "dossier" DROP COLUMN "assigned_agent_id"')
        db.execute('ALTER TABLE "audit_event" DROP COLUMN "address"')
    storage.init_db()
    storage.init_db()  # again: nothing to do
    agent_id, _ = enrolled()
    storage.record_agent_event(agent_id, "login", None, "192.0.2.1")
    with db_session:
        assert database().AuditEvent.select(lambda e: e.action == "login").first().address \
            == "192.0.2.1"
        assert database().Dossier.get(number=valid_draft.number).assigned_agent is None


def test_enrolment_secret_is_the_servers_and_stays_the_same_until_enrolled():
    storage.clock.set(storage.clock.now())
    view, token = storage.create_agent("a@example.gc.ca", "A", "agent", [ESSAI])
    secret = storage.enrolment_secret(token)
    assert len(secret) == 32 and storage.enrolment_secret(token) == secret
    assert not storage.verify_agent_code(view.id, _code(secret))  # not enrolled yet
    other = storage.new_totp_secret()
    with pytest.raises(storage.AgentRefused) as refused:  # a code of another secret
        storage.complete_enrolment(token, PASSWORD, _code(other))
    assert refused.value.code == "code"
    storage.complete_enrolment(token, PASSWORD, _code(secret))
    _, renewed = storage.renew_enrolment(view.id)
    assert storage.enrolment_secret(renewed) not in (None, secret)  # a new link, a new key


def test_complete_enrolment_before_the_secret_was_shown_is_refused():
    _, token = storage.create_agent("a@example.gc.ca", "A", "agent", [ESSAI])
    with pytest.raises(storage.AgentRefused) as refused:
        storage.complete_enrolment(token, PASSWORD, "123456")
    assert refused.value.code == "code"
