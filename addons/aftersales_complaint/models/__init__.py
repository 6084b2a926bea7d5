from . import aftersales_complaint_category
from . import aftersales_ticket_complaint
from . import aftersales_ticket_erasure
