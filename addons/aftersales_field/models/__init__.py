from . import aftersales_sla_target_appointment
from . import aftersales_appointment
from . import aftersales_appointment_calendar_event
from . import aftersales_appointment_ticket_sla
from . import aftersales_event_appointment
from . import aftersales_ticket_appointment
