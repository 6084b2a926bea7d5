from . import portal
from . import aftersales_service_report_portal
