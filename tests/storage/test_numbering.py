"""Dossier numbers: format from the definition, year from the clock, unique under load."""

from __future__ import annotations

import multiprocessing
import re
import time
from datetime import date, datetime

import storage
from engine.model import Numbering
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
    assert sorted(int(n[3:]) for n in numbers) == list(range(1, 401))  # gapless too
    assert {n[1:3] for n in numbers} == {year}
    assert time.monotonic() - started < 60


def test_create_dossier__clock_set__year_and_deadline_from_clock(registry, account):
    storage.clock.set(datetime(2022, 7, 11, 9, 30))
    dossier = storage.create_dossier(registry, account.id, ESSAI)
    assert dossier.number == "G2200000001"
    assert dossier.deadline == date(2022, 10, 9)
    assert storage.clock.local(dossier.created_at).date() == date(2022, 7, 11)
    assert dossier.status == "brouillon" and dossier.version == 1
    assert dossier.definition_version == 3


def test_create_dossier__new_year_in_service_zone__counter_restarts(registry, account):
    storage.clock.set(datetime(2022, 12, 31, 23, 30))  # Toronto; already 2023 in UTC
    assert storage.create_dossier(registry, account.id, ESSAI).number == "G2200000001"
    storage.clock.set(datetime(2023, 1, 1, 0, 30))
    assert storage.create_dossier(registry, account.id, ESSAI).number == "G2300000001"
    assert storage.create_dossier(registry, account.id, ESSAI).number == "G2300000002"


def test_allocate_number__next_number_registered_by_agent__skipped(registry, account):
    storage.clock.set(datetime(2022, 7, 11, 12, 0))
    storage.register_existing(registry, ESSAI, "G2200000001", "Gunter", "DiCaprio", "M",
                              date(1970, 7, 1))
    assert storage.create_dossier(registry, account.id, ESSAI).number == "G2200000002"


def test_allocate_number__inside_a_rolled_back_transaction__serial_given_back(registry):
    numbering = registry[ESSAI].definition.numbering
    try:
        with storage.db_session:
            allocate_number(numbering, date(2022, 1, 1))
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    with storage.db_session:
        assert allocate_number(numbering, date(2022, 1, 1)) == "G2200000001"


def test_allocate_number__no_year_digits__one_sequence_across_years():
    numbering = Numbering(prefix="X", digits=4, year_digits=0)
    with storage.db_session:
        assert allocate_number(numbering, date(2022, 12, 31)) == "X0001"
        assert allocate_number(numbering, date(2023, 1, 1)) == "X0002"


def test_allocate_number__all_serials_used__exhausted():
    numbering = Numbering(prefix="Y", digits=1, year_digits=2)
    with storage.db_session:
        assert [allocate_number(numbering, date(2022, 1, 1)) for _ in range(9)][-1] == "Y229"
    try:
        with storage.db_session:
            allocate_number(numbering, date(2022, 1, 1))
    except NumberingExhausted:
        return
    raise AssertionError("a tenth one-digit serial was given out")
