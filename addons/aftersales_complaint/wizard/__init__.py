from . import aftersales_complaint_classify
from . import aftersales_complaint_escalate
from . import aftersales_complaint_record_confirmation
