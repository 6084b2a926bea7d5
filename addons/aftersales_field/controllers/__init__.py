from . import aftersales_settlement_portal
