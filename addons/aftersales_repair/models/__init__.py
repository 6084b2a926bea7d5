from . import aftersales_ticket
from . import product_category
from . import product_template
