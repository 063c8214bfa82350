import unittest

from .fixtures import make_cohort
from .support import FIXTURES


class FixturesTest(unittest.TestCase):
    def test_the_committed_cohort_is_what_the_generator_writes(self):
        # Regenerate with `python3 etl/tests/fixtures/make_cohort.py` after changing the generator.
        self.assertEqual((FIXTURES / "cohort_bundle.json").read_text(encoding="utf-8"), make_cohort.render())
