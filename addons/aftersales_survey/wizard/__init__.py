from . import aftersales_evaluation_wizard
from . import aftersales_scorecard_wizard
from . import aftersales_contract_amend
