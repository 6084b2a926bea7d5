from . import aftersales_complaint_classify
from . import aftersales_complaint_escalate
