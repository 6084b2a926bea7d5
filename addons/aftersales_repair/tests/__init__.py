from . import test_coverage_rule
from . import test_unit
