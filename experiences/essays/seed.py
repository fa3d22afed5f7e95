"""The essay the site was founded on, as received, and the tags of its principles.

One place for the paths: ``import_essay --seed``, the test suite and the
benchmarks all load it from here.
"""

from pathlib import Path

SEED_DIRECTORY = Path(__file__).resolve().parent.parent / "data"
SEED_ESSAY = SEED_DIRECTORY / "essay-jiceng-ganbu-xinde.txt"
SEED_TAGS = SEED_DIRECTORY / "essay-jiceng-ganbu-xinde.tags.json"
