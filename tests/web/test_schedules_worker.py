"""The background worker runs the schedules (issue 17): a reminder due now is posted
and its notification email sent in the same round, and not again at the next rounds;
`guichet schedules run` does one round from the command line."""

from __future__ import annotations

from datetime import date

import storage
from tests.definitions import DIRECTORY, with_registry
from web.background.worker import Worker
from web.cli import main


class Outbox:
    """A transport keeping what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, to: str, subject: str, body: str, message_id: str | None = None) -> None:
        self.sent.append((to, subject))


def test_worker__reminder_due__posted_and_emailed_once(tmp_path):
    registry = with_registry(DIRECTORY / "schedules" / "rappels.yaml")
    store = storage.open_store(None, str(tmp_path), registry=registry)
    outbox = Outbox()
    try:
        with store.bound():
            storage.init_db()
            account = storage.create_account(
                "rappel@example.org", "hash", {"given_names": "Maria", "family_names":
                                               "Valdero", "sex": "F",
                                               "birth_date": "1990-05-17"}, "fr")
            storage.clock.set(date(2026, 3, 1))
            draft = storage.create_dossier(registry, account.id, "rappels")
            storage.clock.set(date(2026, 3, 20))  # 11 days left: the 14-day reminder
        worker = Worker(store, outbox, schedule_interval=3600)
        worker.run_once()
        worker.run_once()
        with store.bound():
            inbox = storage.list_messages(account.id)
        assert [m.subject for m in inbox] == [f"Dossier {draft.number} : 14 jours"]
        assert outbox.sent == [("rappel@example.org", "Du nouveau sur le portail d'essai")]
    finally:
        storage.clock.reset()
        store.disconnect()


def test_guichet_schedules_run__counts_what_it_did(runner, instance_dir):
    result = runner.invoke(main, ["schedules", "run"], env={"GUICHET_INSTANCE": instance_dir})
    assert result.exit_code == 0, result.output
    assert "0 reminder(s) sent, 0 dossier(s) moved by a schedule, 0 dossier(s) purged" in (
        result.output)
