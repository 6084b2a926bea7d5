from . import aftersales_ticket_assign_override
