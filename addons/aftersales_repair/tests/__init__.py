from . import test_coverage_rule
from . import test_unit
from . import test_ticket_coverage
from . import test_coverage_rpc
from . import test_standard_policy
from . import test_repair_orders
from . import test_guarantee_refund
from . import test_tours_guarantee
