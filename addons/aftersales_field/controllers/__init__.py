from . import aftersales_partner_portal
