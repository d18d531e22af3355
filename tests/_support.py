"""Paths and loaders shared by the tests (imported as a plain module)."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LETTERS = ROOT / "data" / "letters"
SHARED = ROOT.parent / "shared"
SEED_GOLD = SHARED / "gold"
DEV = SHARED / "dev"
CORPUS = ROOT / "tests" / "corpus"


def load_gold(folder: Path) -> dict[str, dict]:
    """Gold JSON files by stem ({} when the folder is absent)."""
    if not folder.is_dir():
        return {}
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}
