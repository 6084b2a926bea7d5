from . import aftersales_ticket_coverage_override
from . import aftersales_ticket_quotation_send
from . import aftersales_ticket_parts
from . import repair_order_faulty_return
from . import aftersales_ticket_refund
from . import aftersales_contract_amend
from . import aftersales_input_checks
