from . import aftersales_event
from . import aftersales_ticket_coverage
from . import aftersales_unit
from . import aftersales_unit_warranty_extension
from . import product_template_warranty
from . import res_partner
