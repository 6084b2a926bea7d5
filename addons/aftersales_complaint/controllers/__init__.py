from . import aftersales_complaint_portal
