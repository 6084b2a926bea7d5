from . import aftersales_event_settlement
from . import aftersales_partner_settlement
from . import aftersales_partner_settlement_contract
from . import aftersales_partner_settlement_fee
from . import aftersales_partner_settlement_line
from . import aftersales_partner_settlement_product
