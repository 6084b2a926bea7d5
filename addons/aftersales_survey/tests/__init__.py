from . import test_event_types
from . import test_kpi_scoring
from . import test_evaluation
from . import test_evaluation_tools
from . import test_survey_sending
from . import test_survey_scoring
from . import test_survey_portal
