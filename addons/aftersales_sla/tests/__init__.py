from . import test_ledger_hash
from . import test_ledger_append
from . import test_ledger_guard
from . import test_ledger_verify
from . import test_ledger_access
from . import test_ledger_concurrency
from . import test_contract
from . import test_calendar
