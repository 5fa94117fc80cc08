"""pytest's fixtures shared by the test modules (what they share besides: tests/helpers.py)."""

from __future__ import annotations

import pytest

from tests.helpers import run_cli


@pytest.fixture
def cli():
    return run_cli
