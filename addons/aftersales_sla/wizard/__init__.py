from . import aftersales_event_verify
