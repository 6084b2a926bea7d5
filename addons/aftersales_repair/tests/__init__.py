from . import test_standard_policy
