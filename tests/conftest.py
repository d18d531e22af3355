"""Shared fixtures: the seed letters extracted once, and a built seed graph."""

from __future__ import annotations

import pytest
from _support import LETTERS
from hypothesis import settings

# No per-example deadline: the first example pays for loading the gazetteer once, and CI
# machines are noisy. Speed is measured in benchmarks/, never in tests.
settings.register_profile("policykg", deadline=None)
settings.load_profile("policykg")


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
