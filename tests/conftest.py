"""Shared fixtures: the seed letters extracted once, and a built seed graph."""

from __future__ import annotations

import pytest
from _support import LETTERS


@pytest.fixture(scope="session")
def seed_extraction():
    """The seed letters, extracted and linked once for the whole session."""
    from policykg.pipeline import extract_paths

    return extract_paths([LETTERS])


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory, seed_extraction):
    """The seed graph built into a throwaway store and output folder."""
    from policykg.build import write_outputs

    out = tmp_path_factory.mktemp("seed-build")
    summary = write_outputs(seed_extraction, out, store_spec=str(out / "store"))
    return out, summary
