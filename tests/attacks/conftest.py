"""Shared fixtures of the attack suite: inputs made once, each by real processes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import sessionplan as sp

from ..conftest import MINI, write_book
from .harness import CLI

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="session")
def arena(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("attacks")


@pytest.fixture(scope="session")
def workshop(arena) -> Path:
    """A copy of the bundled workshop workbook."""
    path = arena / "workshop.xlsx"
    shutil.copyfile(sp.bundled_workshop(), path)
    return path


@pytest.fixture(scope="session")
def mini(arena) -> Path:
    return write_book(arena / "mini.xlsx", MINI)


@pytest.fixture(scope="session")
def solved(arena, workshop) -> Path:
    """A folder holding the workshop's schedule.json and schedule.xlsx, solved by the command."""
    out = arena / "solved"
    subprocess.run([*CLI, "solve", str(workshop), "--out", str(out), "--workers", "1", "-q"], check=True,
                   capture_output=True, timeout=120)
    return out
