from . import aftersales_appointment_book
