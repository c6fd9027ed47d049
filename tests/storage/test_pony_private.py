"""Pony's internals are used in one module, for one Pony version: another version must
stop the process at start-up, and the pin in pyproject.toml must be that version."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pony
import pytest

from storage.orm.pony_private import PONY_VERSION, check_pony_version

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_check_pony_version__another_version__refused_with_what_to_do():
    with pytest.raises(RuntimeError) as refused:
        check_pony_version("0.7.19")
    message = str(refused.value)
    assert "Pony 0.7.19 is installed" in message
    assert f"pony=={PONY_VERSION}" in message and "pyproject.toml" in message


def test_import_storage__another_pony_version__stops_with_the_message():
    started = subprocess.run(
        [sys.executable, "-c", "import pony; pony.__version__ = '0.8.0'; import storage"],
        cwd=PYPROJECT.parent, capture_output=True, text=True, timeout=60)
    assert started.returncode != 0
    assert f"Guichet needs Pony {PONY_VERSION}" in started.stderr
    assert "Pony 0.8.0 is installed" in started.stderr


def test_check_pony_version__installed_pony__accepted():
    check_pony_version(pony.__version__)


def test_pony_version__pyproject_pin__is_the_version_checked():
    dependencies = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"][
        "dependencies"]
    pins = [d.split(";")[0].strip() for d in dependencies if d.startswith("pony")]
    assert pins == [f"pony=={PONY_VERSION}"]
