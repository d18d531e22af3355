"""Where the project's knowledge files live (gazetteers in data/, ontology in ontology/).

They sit at the top of the source tree (the design card's layout); ``POLICYKG_HOME``
overrides the location for installs that are not editable.
"""

from __future__ import annotations

import os
from pathlib import Path

HOME = Path(os.environ.get("POLICYKG_HOME", Path(__file__).resolve().parents[2]))
DATA_DIR = HOME / "data"
ONTOLOGY_DIR = HOME / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "policykg.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
