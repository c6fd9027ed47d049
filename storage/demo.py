"""Demo data: applicant accounts with a known password and agent-registered dossiers.

The data lives in `demo.yaml` (no dossier type is named in Python). Loading is
idempotent: what exists already (same email, same number) is left alone, so
`guichet demo` can run on every start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from engine import Registry
from storage.accounts.account import create_account, find_account_by_email
from storage.accounts.hashing import hash_password
from storage.dossiers.lifecycle import register_existing
from storage.errors import EmailTaken
from storage.orm.db import database
from storage.orm.transactions import transaction


@dataclass
class DemoReport:
    """What `load_demo` did: `password` (every demo account's), and labels such as
    "account maria@example.org" or "dossier G2100076952 (type)" that were `created`,
    already `existing` or `skipped` (with the reason); `accounts`: every demo email."""

    password: str
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)


def demo_data(path: str | Path | None = None) -> dict[str, Any]:
    """The demo data as a mapping: `password`, `accounts` (email, lang, profile) and
    `registered` (type_id, number, given_names, family_names, sex, birth_date), read
    from `path` or, None, from storage/demo.yaml. OSError or yaml.YAMLError for a file
    that cannot be read."""
    text = (Path(path).read_text(encoding="utf-8") if path
            else resources.files("storage").joinpath("demo.yaml").read_text(encoding="utf-8"))
    return yaml.safe_load(text)


def load_demo(registry: Registry, data: dict[str, Any] | None = None) -> DemoReport:
    """Create what is missing of the demo data; report what was created or kept.

    `data`: as `demo_data` returns it (None: storage/demo.yaml). Runs on the current
    store; each account and dossier in its own transaction, so running it again
    creates only what is missing. A dossier of a type `registry` lacks is
    skipped and reported. ValueError for a bad profile value or registered dossier.
    """
    data = data or demo_data()
    report = DemoReport(password=str(data["password"]))
    for spec in data.get("accounts", []):
        _account(spec, report)
    for spec in data.get("registered", []):
        _registered(registry, spec, report)
    return report


def _account(spec: dict[str, Any], report: DemoReport) -> None:
    email = spec["email"]
    report.accounts.append(email)
    if find_account_by_email(email) is not None:
        report.existing.append(f"account {email}")
        return
    profile = {k: str(v) for k, v in spec.get("profile", {}).items()}
    try:
        create_account(email, hash_password(report.password), profile, spec.get("lang", "fr"))
        report.created.append(f"account {email}")
    except EmailTaken:  # another `guichet demo` just made it
        report.existing.append(f"account {email}")


@transaction(write=False)
def _number_exists(number: str) -> bool:
    return database().Dossier.exists(number=number)


def _registered(registry: Registry, spec: dict[str, Any], report: DemoReport) -> None:
    label = f"dossier {spec['number']} ({spec['type_id']})"
    if registry.get(spec["type_id"]) is None:
        report.skipped.append(f"{label}: no such dossier type in forms/")
        return
    if _number_exists(spec["number"]):
        report.existing.append(label)
        return
    birth = spec["birth_date"]
    register_existing(registry, spec["type_id"], spec["number"], spec["given_names"],
                      spec["family_names"], spec["sex"],
                      birth if isinstance(birth, date) else date.fromisoformat(birth))
    report.created.append(label)
