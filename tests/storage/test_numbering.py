"""Dossier numbers: format from the definition, year from the clock, random, unique under load."""

from __future__ import annotations

import multiprocessing
import re
import secrets
import threading
import time
from datetime import date, datetime

import pytest

import storage
from engine.model import Numbering
from storage.dossiers import numbering as numbering_module
from storage.dossiers.numbering import NumberingExhausted, allocate_number
from tests.definitions import ESSAI

from .conftest import count
from .workers import create_many

WELL_FORMED = re.compile(r"^G\d{2}\d{8}$")


def test_create_dossier__two_processes_200_each__400_distinct_well_formed_numbers(
        database_url, instance_dir, registry, make_account):
    accounts = [make_account().id for _ in range(4)]
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    processes = [ctx.Process(target=create_many,
                             args=(database_url, instance_dir, accounts, 200, barrier, results))
                 for _ in range(2)]
    started = time.monotonic()
    for p in processes:
        p.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for p in processes:
        p.join(timeout=30)
    numbers = [n for got, _ in outcomes for n in got]
    errors = [e for _, errs in outcomes for e in errs]
    assert errors == []
    assert len(numbers) == 400 and len(set(numbers)) == 400
    assert all(WELL_FORMED.match(n) for n in numbers)
    assert count("Dossier") == 400
    year = f"{storage.clock.today().year % 100:02d}"
    assert {n[1:3] for n in numbers} == {year}
    assert time.monotonic() - started < 60


def test_create_dossier__clock_set__year_and_deadline_from_clock(registry, account):
    storage.clock.set(datetime(2022, 7, 11, 9, 30))
    dossier = storage.create_dossier(registry, account.id, ESSAI)
    assert WELL_FORMED.match(dossier.number) and dossier.number.startswith("G22")
    assert dossier.deadline == date(2022, 10, 9)
    assert storage.clock.local(dossier.created_at).date() == date(2022, 7, 11)
    assert dossier.status == "brouillon" and dossier.version == 1
    assert dossier.definition_version == 3


def test_create_dossier__new_year_in_service_zone__year_from_service_zone(registry, account):
    storage.clock.set(datetime(2022, 12, 31, 23, 30))  # Toronto; already 2023 in UTC
    assert storage.create_dossier(registry, account.id, ESSAI).number.startswith("G22")
    storage.clock.set(datetime(2023, 1, 1, 0, 30))
    assert storage.create_dossier(registry, account.id, ESSAI).number.startswith("G23")


def test_create_dossier__twenty_in_a_row__numbers_not_consecutive_nor_guessable(
        registry, account):
    numbers = [storage.create_dossier(registry, account.id, ESSAI).number for _ in range(20)]
    serials = [int(n[3:]) for n in numbers]
    assert len(set(serials)) == 20
    gaps = [b - a for a, b in zip(serials, serials[1:], strict=False)]
    assert not any(abs(g) <= 1000 for g in gaps)  # a sequence would give gaps of 1


def _draws(monkeypatch, serials):
    """Make the CSPRNG give `serials` in turn (then keep giving the last one)."""
    queue = list(serials)
    monkeypatch.setattr(numbering_module, "draw_serial",
                        lambda digits: queue.pop(0) if len(queue) > 1 else queue[0])


def test_allocate_number__number_registered_by_agent_drawn__drawn_again(
        registry, account, monkeypatch):
    storage.clock.set(datetime(2022, 7, 11, 12, 0))
    storage.register_existing(registry, ESSAI, "G2200045108", "Gunter", "DiCaprio", "M",
                              date(1970, 7, 1))
    _draws(monkeypatch, [45108, 45108, 777])
    assert storage.create_dossier(registry, account.id, ESSAI).number == "G2200000777"


def test_register_existing__number_given_to_a_created_dossier__refused(
        registry, account, monkeypatch):
    storage.clock.set(datetime(2022, 7, 11, 12, 0))
    _draws(monkeypatch, [45108])
    storage.create_dossier(registry, account.id, ESSAI)
    with pytest.raises(ValueError, match="already exists"):
        storage.register_existing(registry, ESSAI, "G2200045108", "Gunter", "DiCaprio", "M",
                                  date(1970, 7, 1))


def test_allocate_number__inside_a_rolled_back_transaction__number_given_back(
        registry, monkeypatch):
    numbering = registry[ESSAI].definition.numbering
    _draws(monkeypatch, [1])
    try:
        with storage.db_session:
            allocate_number(numbering, date(2022, 1, 1))
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    with storage.db_session:
        assert allocate_number(numbering, date(2022, 1, 1)) == "G2200000001"


def test_allocate_number__no_year_digits__no_year_in_number():
    numbering = Numbering(prefix="X", digits=4, year_digits=0)
    with storage.db_session:
        assert re.fullmatch(r"X\d{4}", allocate_number(numbering, date(2022, 12, 31)))


def test_allocate_number__every_draw_taken__exhausted(monkeypatch):
    numbering = Numbering(prefix="Y", digits=1, year_digits=2)
    _draws(monkeypatch, [3])
    with storage.db_session:
        assert allocate_number(numbering, date(2022, 1, 1)) == "Y223"
    with pytest.raises(NumberingExhausted), storage.db_session:
        allocate_number(numbering, date(2022, 1, 1))


def test_create_dossier__eight_threads_drawing_from_twelve_numbers__all_distinct(
        store, registry, make_account, monkeypatch):
    """Collisions forced under concurrency: every thread draws from the same twelve
    serials, so most draws collide with another thread's uncommitted claim."""
    monkeypatch.setattr(numbering_module, "draw_serial",
                        lambda digits: 1 + secrets.randbelow(12))
    accounts = [make_account().id for _ in range(8)]
    barrier, lock = threading.Barrier(8), threading.Lock()
    numbers: list[str] = []
    errors: list[str] = []

    def work(account_id: int) -> None:
        try:
            with store.bound():
                barrier.wait()
                number = storage.create_dossier(registry, account_id, ESSAI).number
                with lock:
                    numbers.append(number)
        except Exception as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            store.disconnect()

    threads = [threading.Thread(target=work, args=(a,)) for a in accounts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(numbers) == sorted({n for n in numbers}) and len(numbers) == 8
    assert count("Dossier") == 8
