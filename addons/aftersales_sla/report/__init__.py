from . import report_ledger_integrity
from . import report_aftersales_contract
from . import report_aftersales_ticket
from . import report_sla_statement
from . import ir_actions_report
