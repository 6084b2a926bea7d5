from . import report_ledger_integrity
