from . import aftersales_penalty
from . import aftersales_ticket
from . import product_category
from . import product_template
