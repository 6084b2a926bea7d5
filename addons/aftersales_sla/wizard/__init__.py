from . import aftersales_event_verify
from . import aftersales_contract_amend
from . import aftersales_holiday_import
from . import aftersales_ticket_pause
from . import aftersales_penalty_decide
from . import aftersales_sla_statement
from . import aftersales_penalty_invoice
from . import aftersales_ticket_sign
