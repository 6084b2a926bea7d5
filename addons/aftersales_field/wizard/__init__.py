from . import aftersales_ticket_assign_override
from . import aftersales_settlement_amend_fee
from . import aftersales_settlement_adjust
from . import aftersales_appointment_book
