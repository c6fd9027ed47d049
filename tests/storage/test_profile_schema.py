"""Storage's profile comes from the one profile schema (engine/profile.yaml): the
Account's columns, the profile it hands out and the values it accepts."""

from __future__ import annotations

from datetime import date

import pytest

import storage
from engine.profile import PROFILE
from storage.orm.db import database


def _account_columns() -> dict[str, str]:
    """Column name -> declared type of the database's account table, as "varchar(n)"
    or "date" (PostgreSQL's information schema, SQLite's table info)."""
    db = database()
    with storage.db_session:
        if db.provider_name == "sqlite":
            return {name: kind.lower() for name, kind in
                    db.select("name, type FROM pragma_table_info('account')")}
        rows = db.select("column_name, data_type, character_maximum_length "
                         "FROM information_schema.columns WHERE table_name = 'account' "
                         "AND table_schema = current_schema()")
    return {name: f"varchar({length})" if kind == "character varying" else kind
            for name, kind, length in rows}


def test_account_table__profile_columns__named_typed_and_sized_by_the_schema():
    columns = _account_columns()
    for f in PROFILE.stored():
        expected = "date" if f.kind == "date" else f"varchar({f.max_length})"
        assert columns[f.key] == expected, f.key
    assert columns["email"] == f"varchar({PROFILE.fields['email'].max_length})"


def test_account_entity__profile_attributes__the_schemas_stored_fields_only():
    entity = database().Account
    for f in PROFILE.stored():
        attribute = getattr(entity, f.key)
        if f.kind == "date":
            assert attribute.py_type is date
        else:
            assert (attribute.py_type, attribute.args) == (str, (f.max_length,)), f.key


def test_profile_fields_and_sexes__views__the_schemas_keys_and_options():
    assert storage.PROFILE_FIELDS == tuple(f.key for f in PROFILE.stored())
    assert "email" not in storage.PROFILE_FIELDS
    assert storage.views.SEXES == PROFILE.fields["sex"].values == ("F", "M", "X")


@pytest.mark.parametrize("key", [f.key for f in PROFILE.stored() if f.max_length])
def test_update_profile__longer_than_the_column__value_error_nothing_changed(account, key):
    too_long = "x" * (PROFILE.fields[key].max_length + 1)
    with pytest.raises(ValueError, match=key):
        storage.update_profile(account.id, {key: too_long})
    assert storage.get_account(account.id) == account


def test_update_profile__exactly_the_column_length__kept_whole(account):
    longest = {f.key: "x" * f.max_length for f in PROFILE.stored()
               if f.kind == "text" and f.max_length}
    updated = storage.update_profile(account.id, longest)
    assert all(updated.profile[k] == v for k, v in longest.items())
