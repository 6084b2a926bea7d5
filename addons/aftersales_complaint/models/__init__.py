from . import aftersales_complaint_category
from . import aftersales_ticket_complaint
from . import aftersales_complaint_escalation_level
from . import aftersales_complaint_res_company
from . import aftersales_complaint_res_config_settings
from . import aftersales_event_complaint
