from . import aftersales_complaint_category
from . import aftersales_ticket_complaint
from . import aftersales_complaint_figures_evaluation
from . import aftersales_complaint_figures_report
from . import aftersales_complaint_figures_scorecard
from . import aftersales_service_report
from . import aftersales_ticket_erasure
