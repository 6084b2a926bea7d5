from . import test_event_types
from . import test_kpi_scoring
