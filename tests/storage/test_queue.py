"""The agents' queue: counts per type and state kept exact by the database, pages read
by keyset, search by number or by names whatever their accents and case, and only the
types an agent is granted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import storage
from storage.orm.db import database
from tests.definitions import ATELIER, ESSAI, VALID_ANSWERS


def register(registry, number, given="Maria", family="Valdero", status=None, type_id=ESSAI):
    return storage.register_existing(registry, type_id, number, given, family, "F",
                                     date(1980, 1, 2), status=status)


def submitted(registry, make_account, **profile):
    account = make_account(**profile)
    draft = storage.create_dossier(registry, account.id, ESSAI)
    version = draft.version
    for section_id, answers in VALID_ANSWERS.items():
        version = storage.save_section(registry, account.id, draft.number, section_id,
                                       answers, version).version
    return storage.submit(registry, account.id, draft.number)


def numbers(page):
    return [row.number for row in page.rows]


def test_queue_counts__drafts_submissions_and_expiry__counted_per_type_and_state(
        registry, make_account):
    submitted(registry, make_account)
    for n in range(3):
        register(registry, f"G210000000{n}")
    storage.register_existing(registry, ATELIER, "A2021000001", "Li", "Wei", "M",
                              date(1990, 1, 1))
    assert storage.queue_counts([ESSAI]) == [(ESSAI, "brouillon", 3), (ESSAI, "presente", 1)]
    storage.clock.advance(timedelta(days=100))  # past every deadline
    storage.expire_overdue(registry)
    assert storage.queue_counts([ESSAI, ATELIER]) == [
        (ATELIER, "expiree", 1), (ESSAI, "expire", 3), (ESSAI, "presente", 1)]
    assert storage.queue_counts([]) == []


def test_init_db__database_made_before_counting__counts_the_dossiers_already_there(registry):
    for n in range(2):
        register(registry, f"G210000000{n}")
    with storage.db_session:
        for name in ("dossier_count_insert", "dossier_count_update", "dossier_count_delete"):
            database().execute(f"DROP TRIGGER {name}"
                               + (" ON dossier" if storage.current_store().target.kind
                                  == "postgres" else ""))
        database().execute("DELETE FROM dossier_count")
    storage.init_db()
    assert storage.queue_counts([ESSAI]) == [(ESSAI, "brouillon", 2)]
    register(registry, "G2100000009")  # and the triggers count again
    assert storage.queue_counts([ESSAI]) == [(ESSAI, "brouillon", 3)]


def test_agent_queue__default__submitted_dossiers_of_granted_types_only(
        registry, make_account):
    sent = submitted(registry, make_account, given_names="Ana", family_names="Lima")
    register(registry, "G2100000001")  # a draft
    storage.register_existing(registry, ATELIER, "A2021000001", "Li", "Wei", "M",
                              date(1990, 1, 1), status="recue")
    page = storage.agent_queue([ESSAI, ATELIER])
    assert numbers(page) == [sent.number] and page.next is None
    row = page.rows[0]
    assert (row.type_id, row.state, row.name, row.assigned_to) == (
        ESSAI, "presente", "Ana Lima", None)
    assert row.submitted_at == sent.submitted_at and row.deadline == sent.deadline
    assert numbers(storage.agent_queue([ATELIER])) == []  # never submitted
    assert numbers(storage.agent_queue([ATELIER], state="recue")) == ["A2021000001"]
    assert numbers(storage.agent_queue([ESSAI], state="brouillon")) == ["G2100000001"]
    assert numbers(storage.agent_queue([ESSAI], type_id=ATELIER, state="recue")) == []
    assert numbers(storage.agent_queue([], state="brouillon")) == []


def test_agent_queue__pages__each_dossier_once_in_creation_order(registry):
    made = [register(registry, f"G21000000{n:02d}").number for n in range(7)]
    seen, after, pages = [], None, 0
    while True:
        page = storage.agent_queue([ESSAI], state="brouillon", after=after, limit=3)
        seen += numbers(page)
        pages += 1
        if page.next is None:
            break
        after = page.next
    assert seen == made and pages == 3


def test_agent_queue__exactly_one_page__no_next_page(registry):
    for n in range(3):
        register(registry, f"G210000000{n}")
    assert storage.agent_queue([ESSAI], state="brouillon", limit=3).next is None


@pytest.mark.parametrize("cursor", ["not a cursor!", "-5", "zzzzzzzzzzzzzz"])
def test_agent_queue__edited_cursor__first_page(registry, cursor):
    register(registry, "G2100000001")
    page = storage.agent_queue([ESSAI], state="brouillon", after=cursor)
    assert numbers(page) == ["G2100000001"]


def test_agent_queue__limit_out_of_range__refused():
    with pytest.raises(ValueError):
        storage.agent_queue([ESSAI], limit=0)


@pytest.mark.parametrize("search, found", [
    ("eve", True), ("ÈVE-MARIE", True), ("avil", True), ("d’ávila", True),
    ("marie ev", True), ("  AVILA  ", True), ("evan", False), ("marie dupont", False),
    ("g2100000001", True), ("G21000", True), ("G2100000002", False), ("", True),
])
def test_agent_queue__search__number_or_start_of_any_name_word(registry, search, found):
    register(registry, "G2100000001", given="Ève-Marie", family="D’Ávila")
    register(registry, "G2200000022", given="Paul", family="Martin")
    page = storage.agent_queue([ESSAI], state="brouillon", search=search)
    assert ("G2100000001" in numbers(page)) is found
    if search and found:
        assert "G2200000022" not in numbers(page)


def test_agent_queue__linked_then_profile_renamed__found_by_every_spelling(
        registry, make_account):
    register(registry, "G2100000001", given="Günter", family="Dicaprio")
    account = make_account(given_names="Gunter", family_names="DiCaprio", sex="F",
                           birth_date="1980-01-02")
    storage.link_existing(account.id, ESSAI, "G2100000001")
    storage.update_profile(account.id, {"family_names": "Nakamura"})
    for search in ("gunter", "dicap", "nakamura"):
        page = storage.agent_queue([ESSAI], state="brouillon", search=search)
        assert numbers(page) == ["G2100000001"], search
    assert storage.agent_queue([ESSAI], state="brouillon").rows[0].name == "Gunter Nakamura"


def test_agent_queue__deadline_and_assignment_filters(registry):
    register(registry, "G2100000001")
    storage.clock.set(storage.clock.now() + timedelta(days=5))
    register(registry, "G2100000002")
    first = storage.agent_queue([ESSAI], state="brouillon").rows[0].deadline
    assert numbers(storage.agent_queue([ESSAI], state="brouillon", deadline_before=first)) == [
        "G2100000001"]
    assert numbers(storage.agent_queue([ESSAI], state="brouillon", unassigned=True)) == [
        "G2100000001", "G2100000002"]
    assert numbers(storage.agent_queue([ESSAI], state="brouillon", assigned_to=1)) == []


def test_init_db__dossiers_made_before_search_words__found_by_name_after(registry):
    register(registry, "G2100000001", given="Ève", family="Lafleur")
    with storage.db_session:
        database().execute("DELETE FROM dossier_search_word")
    assert numbers(storage.agent_queue([ESSAI], state="brouillon", search="lafleur")) == []
    storage.init_db()
    assert numbers(storage.agent_queue([ESSAI], state="brouillon", search="eve laf")) == [
        "G2100000001"]


def test_agent_queue__search_over_pages__each_match_once(registry):
    made = [register(registry, f"G210000000{n}", given="Marie", family=f"Martin{'x' * n}").number
            for n in range(5)]
    register(registry, "G2100000009", given="Paul", family="Roy")
    first = storage.agent_queue([ESSAI], state="brouillon", search="mar", limit=3)
    second = storage.agent_queue([ESSAI], state="brouillon", search="mar", limit=3,
                                 after=first.next)
    assert numbers(first) + numbers(second) == made and second.next is None


def test_agent_queue__assigned_dossier__named_and_filtered_by_agent(registry):
    register(registry, "G2100000001")
    register(registry, "G2100000002")
    alain, _token = storage.create_agent("alain@example.gc.ca", "Alain Agent", "agent", [ESSAI])
    with storage.db_session:
        orm = database()
        orm.Dossier.get(number="G2100000002").assigned_agent = orm.Agent[alain.id]
    mine = storage.agent_queue([ESSAI], state="brouillon", assigned_to=alain.id)
    assert [(r.number, r.assigned_to) for r in mine.rows] == [("G2100000002", "Alain Agent")]
    nobody = storage.agent_queue([ESSAI], state="brouillon", unassigned=True)
    assert numbers(nobody) == ["G2100000001"]
    assert numbers(storage.agent_queue([ESSAI], state="brouillon", assigned_to=alain.id + 1)
                   ) == []


@pytest.mark.parametrize("search", ["%", "_", "'", "%%", "' OR 1=1 --", "-", "*"])
def test_agent_queue__punctuation_only__matches_nothing_not_everything(registry, search):
    register(registry, "G2100000001", given="Ève-Marie", family="D’Ávila")
    register(registry, "G2200000022", given="Paul", family="Martin")
    assert numbers(storage.agent_queue([ESSAI], state="brouillon", search=search)) == []


@pytest.mark.parametrize("search, found", [
    ("2100000001", ["G2100000001"]), ("21", ["G2100000001"]), ("22", ["G2200000022"]),
    ("2", ["G2100000001", "G2200000022"]), ("3", []), ("G21%", []), ("21_", []),
])
def test_agent_queue__number_without_its_prefix_letter__found(registry, search, found):
    register(registry, "G2100000001")
    register(registry, "G2200000022")
    page = storage.agent_queue([ESSAI], state="brouillon", search=search,
                               number_prefixes=["G"])
    assert numbers(page) == found


def test_agent_queue__a_number_typed__found_in_any_state_without_the_state_filter(
        registry, make_account):
    """Found by an agents' trial: a dossier registered and not yet submitted was not found
    by its own number unless its state was chosen too. A name search still lists the
    submitted dossiers only."""
    register(registry, "G2300000002", given="Zoë", family="Ødegård")
    assert numbers(storage.agent_queue([ESSAI], search="G2300000002")) == ["G2300000002"]
    assert numbers(storage.agent_queue([ESSAI], search="2300000002",
                                       number_prefixes=["G"])) == ["G2300000002"]
    assert numbers(storage.agent_queue([ESSAI], search="Odegard")) == []
    assert numbers(storage.agent_queue([ESSAI])) == []


@pytest.mark.parametrize("search", ["G 2300000003", "g-2300-000003", " 2300 000 003 "])
def test_agent_queue__number_with_spaces_or_dashes__found(registry, search):
    register(registry, "G2300000003")
    assert numbers(storage.agent_queue([ESSAI], search=search, number_prefixes=["G"])) == [
        "G2300000003"]
