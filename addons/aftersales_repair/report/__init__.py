from . import report_aftersales_ticket
