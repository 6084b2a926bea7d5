from . import test_coverage_rule
