from . import aftersales_ledger
