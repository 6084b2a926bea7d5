from . import aftersales_event_partner_portal
from . import aftersales_ticket_partner
from . import res_partner_service_partner
