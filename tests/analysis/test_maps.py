"""The map's numbers (passerelle_analysis.maps): paired differences locality
by locality, and the catchment read from an option's parameters."""
import os
import sys
import unittest

sys.path.insert(0, os.environ.get("PASSERELLE_ANALYSIS_DIR", os.path.join(os.path.dirname(__file__), "../../analysis")))
try:
    import numpy as np
    import pandas as pd
    from passerelle_analysis import maps
except ImportError as e:
    print(f"skipped: {e}")
    sys.exit(77)


class Maps(unittest.TestCase):
    def test_paired_difference_is_taken_replicate_by_replicate(self):
        base = np.array([[10.0, 20.0], [30.0, 40.0]])
        opt = base + np.array([[1.0, -2.0], [3.0, -4.0]])
        np.testing.assert_allclose(maps.paired_mean_difference({"b": base, "o": opt}, "o", "b"), [2.0, -3.0])
        self.assertIsNone(maps.paired_mean_difference({"b": base}, "o", "b"))

    def test_an_option_identical_to_the_baseline_is_zero_everywhere(self):
        base = np.arange(6.0).reshape(2, 3)
        np.testing.assert_array_equal(maps.paired_mean_difference({"b": base, "o": base.copy()}, "o", "b"), 0)

    def test_catchment_names_come_from_catchment_and_locality_parameters(self):
        p = pd.DataFrame({"scenario": ["c", "c", "c", "other"],
                          "name": ["coordinator.catchment", "coordinator.fte", "shared_premises.locality",
                                   "coordinator.catchment"],
                          "value": ["[Crépol, Saint-Laurent-d'Onay]", "1", "Romans-Nord", "[Elsewhere]"]})
        self.assertEqual(maps.catchment(p, "c"), {"Crépol", "Saint-Laurent-d'Onay", "Romans-Nord"})


if __name__ == "__main__":
    unittest.main()
