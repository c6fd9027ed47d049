"""Background work of the portal: render pending documents, send the outbox, run the
schedules (reminders, schedule transitions, retention).

Submissions only queue a document row and an email row (one transaction);
this worker does the slow parts afterwards, so a submission never waits on
WeasyPrint or on an SMTP server. Schedules run every `schedule_interval` seconds
(they scan dossiers: not on every round), once each across workers
(storage.run_schedules). `guichet serve` runs it in a thread; the
`guichet documents render` and `guichet mail send` commands run one round.
A worker works on the store of the app it serves, made current in its thread.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import after_this_request, current_app
from flask.typing import ResponseReturnValue

import storage
from engine import Registry
from web.background.mailer import Transport, send_pending

log = logging.getLogger("guichet.worker")


def render_pending_documents(registry: Registry, limit: int = 20) -> int:
    """Render the documents whose content is not there yet; returns how many were stored.

    Claims at most `limit` on the current store. A document whose type or kind is no
    longer in `registry`, or that fails to render, is logged and left for a later
    round (its claim lapses after 5 minutes).
    """
    # A deliberate lazy import: web.background.pdf imports WeasyPrint, a heavy library
    # (half a second), which only a process that renders documents should pay for.
    from web.background.pdf import recap_pdf

    done = 0
    for job in storage.claim_pending_documents(limit):
        try:  # the version its dossier is pinned to, even of a type since removed
            compiled = storage.definition_of(registry, job.type_id, job.definition_version)
        except storage.NotFound:
            compiled = None
        document = compiled.definition.documents.get(job.kind) if compiled else None
        if document is None:
            log.error("document %s: no definition for %s/%s", job.id, job.type_id, job.kind)
            continue
        try:
            content = recap_pdf(compiled.definition, document, job.snapshot, job.lang,
                                fingerprint=job.fingerprint)
        except Exception:
            log.exception("document %s could not be rendered", job.id)
            continue
        storage.store_document_content(job.id, content)
        done += 1
    return done


def run_due_schedules(registry: Registry) -> storage.ScheduleReport:
    """One round of the schedules on the current store (storage.run_schedules), logged
    when it did something (counts only: no number, no name)."""
    report = storage.run_schedules(registry)
    if report.reminders or report.transitions or report.purged:
        log.info("schedules: %d reminder(s), %d transition(s), %d purge(s)",
                 report.reminders, report.transitions, report.purged)
    return report


class Worker:
    """One thread doing the jobs every `interval` seconds until stopped, on `store` (an
    app's storage.Store: its database, and its registry to render documents with);
    the schedules every `schedule_interval` seconds (the first round runs them)."""

    def __init__(self, store: storage.Store, transport: Transport,
                 interval: float = 2.0, schedule_interval: float = 60.0) -> None:
        self.store = store
        self.registry: Registry = store.registry
        self.transport = transport
        self.interval = interval
        self.schedule_interval = schedule_interval
        self._schedules_at: float | None = None  # time.monotonic() of the last schedules
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="guichet-worker", daemon=True)

    def start(self) -> Worker:
        """Start the thread (daemon: it never keeps the process alive); returns self."""
        self._thread.start()
        return self

    def wake(self) -> None:
        """Ask for a round now (after a submission) instead of at the next tick."""
        self._wake.set()

    def stop(self) -> None:
        """Stop after the current round, waiting at most `interval` + 10 seconds."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=self.interval + 10)

    def _schedules_due(self) -> bool:
        now = time.monotonic()
        if self._schedules_at is not None and now - self._schedules_at < self.schedule_interval:
            return False
        self._schedules_at = now
        return True

    def run_once(self) -> None:
        """Schedules when due, documents, then emails (a reminder's notification goes out
        in the same round), on the worker's store (current for the round, in the
        calling thread); a failure of one (database down...) does not skip the others,
        and the next round retries."""
        jobs = [lambda: render_pending_documents(self.registry),
                lambda: send_pending(self.transport)]
        if self._schedules_due():
            jobs.insert(0, lambda: run_due_schedules(self.registry))
        with self.store.bound():
            for job in jobs:
                try:
                    job()
                except Exception:  # never let the thread die
                    log.exception("background round failed")

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self.run_once()
                self._wake.wait(self.interval)
                self._wake.clear()
        finally:
            self.store.disconnect()  # this thread's database connection


def wake_after_response() -> None:
    """Ask this process's worker for a round once the current request has committed
    (a round started before the commit would find nothing). No worker: nothing."""
    worker: Worker | None = current_app.extensions.get("guichet.worker")
    if worker is None:
        return

    @after_this_request
    def _wake(response: ResponseReturnValue) -> ResponseReturnValue:
        worker.wake()
        return response
