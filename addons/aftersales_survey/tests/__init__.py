from . import test_event_types
from . import test_kpi_scoring
from . import test_evaluation
from . import test_evaluation_tools
