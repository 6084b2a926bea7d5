from . import aftersales_partner_portal
from . import aftersales_settlement_portal
