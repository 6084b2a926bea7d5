from . import aftersales_event_chain
from . import aftersales_event
from . import res_company
