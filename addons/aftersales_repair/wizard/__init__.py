from . import aftersales_ticket_coverage_override
from . import aftersales_ticket_quotation_send
