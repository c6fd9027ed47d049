"""Published definition versions: stored once per (type, version), never changed, read back
by (type, version) whatever forms/ holds now (issue 14, item 1)."""

from __future__ import annotations

import threading

import pytest

import storage
from engine import CompiledDefinition, Registry, convert_text
from tests.definitions import DIRECTORY, ESSAI

ESSAI_TEXT = (DIRECTORY / "essai.yaml").read_text(encoding="utf-8")


def essai(version: int, label: str = "") -> CompiledDefinition:
    """The test type at `version`, its first label changed when `label` is given."""
    text = ESSAI_TEXT.replace("\nversion: 3\n", f"\nversion: {version}\n", 1)
    if label:
        text = text.replace("Dossier d'essai", label, 1)
    result = convert_text(text, f"essai-v{version}.yaml")
    assert result.ok, [str(e) for e in result.errors]
    return result.compiled


def test_publish__twice__one_row_kept_unchanged():
    first = essai(1)
    assert storage.publish_definitions([first]) == []
    assert storage.publish_definitions([first, essai(2)]) == []
    versions = storage.published_versions()
    assert [(v.type_id, v.version, v.source_hash) for v in versions] == [
        (ESSAI, 1, first.source_hash), (ESSAI, 2, essai(2).source_hash)]


def test_publish__same_version_other_text__reported_and_stored_text_kept():
    storage.publish_definitions([essai(1)])
    edited = essai(1, label="Dossier modifié")
    assert storage.publish_definitions([edited]) == [edited]
    assert storage.republished([edited, essai(2)]) == [edited]
    assert [v.source_hash for v in storage.published_versions()] == [essai(1).source_hash]


def test_publish__eight_threads_at_once__each_version_stored_once(store):
    versions = [essai(1), essai(2)]
    barrier = threading.Barrier(8)
    errors: list[str] = []

    def publish() -> None:
        with store.bound():
            try:
                barrier.wait()
                storage.publish_definitions(versions)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion
                errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                store.disconnect()

    threads = [threading.Thread(target=publish) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [(v.version, v.dossiers) for v in storage.published_versions()] == [(1, {}), (2, {})]


def test_definition_of__older_published_version__compiled_once_and_cached():
    v1, v3 = essai(1, label="Première version"), essai(3)
    storage.publish_definitions([v1, v3])
    registry = Registry([v3])
    assert storage.definition_of(registry, ESSAI, 3) is v3
    old = storage.definition_of(registry, ESSAI, 1)
    assert old.definition.version == 1 and old.definition.title.fr == "Première version"
    assert storage.definition_of(registry, ESSAI, 1) is old


def test_definition_of__version_never_published__not_found():
    with pytest.raises(storage.NotFound):
        storage.definition_of(Registry([essai(3)]), ESSAI, 2)
    with pytest.raises(storage.NotFound):
        storage.definition_of(Registry([essai(3)]), "removed-type", 1)


def test_published_versions__dossiers__counted_by_state(account):
    registry = Registry([essai(3)])
    storage.publish_definitions(registry)
    storage.create_dossier(registry, account.id, ESSAI)
    storage.create_dossier(registry, account.id, ESSAI)
    [v3] = storage.published_versions()
    assert v3.dossiers == {"brouillon": 2}


def test_type_removed_from_forms__dossier_read_by_its_published_version_changes_locked(
        account):
    v3 = Registry([essai(3)])
    storage.publish_definitions(v3)
    draft = storage.create_dossier(v3, account.id, ESSAI)
    removed = Registry([])
    assert storage.get_dossier(account.id, draft.number, removed).definition_version == 3
    assert storage.definition_of(removed, ESSAI, 3).definition.version == 3
    with pytest.raises(storage.Locked):
        storage.save_section(removed, account.id, draft.number, "identite",
                             {"categorie": "etudiant"}, draft.version)
    with pytest.raises(storage.NotFound):
        storage.create_dossier(removed, account.id, ESSAI)
    assert storage.get_dossier(account.id, draft.number).answers == {}
