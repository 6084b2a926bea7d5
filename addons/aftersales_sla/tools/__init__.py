from . import ledger_hash
