from . import aftersales_event
