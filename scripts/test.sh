#!/usr/bin/env bash
# Set up (idempotent), lint, then run every test on a fresh database:
#   1. lint: pre-commit with OCA's hooks on all files (.pre-commit-config.yaml);
#   2. a fresh database with both addons (and demo data: it must load cleanly), then
#      the ledger owner step (a separate role owns the ledger; tests get its DSN in
#      AFTERSALES_LEDGER_OWNER_DSN to tamper as the owner would);
#   3. pytest (pytest-odoo) over the addons' tests and tests/, with an HTTP server
#      for tours and reports;
#   4. the server log of steps 2-3 must hold no WARNING or ERROR line that
#      scripts/log-allowlist.txt does not explain.
# Exits non-zero on the first failure. Extra arguments go to pytest (test files or
# folders among them: only those run).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TEST_DB="${TEST_DB:-aftersales_test}"

bash "$PROJECT_DIR/scripts/setup.sh"
ensure_ledger_key
cd "$PROJECT_DIR"

if [ -z "${SKIP_LINT:-}" ]; then  # SKIP_LINT=1: a developer's quicker loop; CI lints
    # OCA's checks (.pre-commit-config.yaml): oca-checks-odoo-module, oca-checks-po,
    # pylint-odoo (mandatory rc must pass, optional rc reported), ruff, ruff-format,
    # README.rst generation and the generic pre-commit-hooks. The hooks' environments
    # are built once per machine from PyPI (several minutes) and kept in pre-commit's
    # user cache, so a fresh clone (CI's) reuses them; no git hook is installed.
    log "lint: pre-commit run --all-files"
    PRE_COMMIT_HOME="${PRE_COMMIT_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/pre-commit}" \
        "$VENV/bin/pre-commit" run --all-files \
        --show-diff-on-failure --color=never
fi

LOG_DIR="$STATE_DIR/test-logs"
rm -rf "$LOG_DIR"; mkdir -p "$LOG_DIR"
CONF="$STATE_DIR/test.conf"
write_odoo_conf "$CONF" "db_name = $TEST_DB" "dbfilter = ^$TEST_DB\$" \
    "logfile = $LOG_DIR/odoo.log" "log_level = info" "max_cron_threads = 0" \
    "http_port = ${HTTP_PORT:-8069}"

log "fresh database $TEST_DB"
psql_odoo -d postgres -c "DROP DATABASE IF EXISTS \"$TEST_DB\" WITH (FORCE)"
rm -rf "$STATE_DIR/filestore/filestore/$TEST_DB"
odoo_bin -c "$CONF" -d "$TEST_DB" -i "$PROJECT_ADDONS" --load-language="$LOAD_LANGUAGES" \
    --stop-after-init
log "ledger owner step"
ensure_ledger_owner "$TEST_DB"
# The tampering tests act as an attacker holding the ledger owner's password.
AFTERSALES_LEDGER_OWNER_DSN="$(ledger_owner_dsn "$TEST_DB")"
export AFTERSALES_LEDGER_OWNER_DSN

log "pytest"
set +e
# Every test, unless the arguments name test files or folders themselves (a
# developer's `scripts/test.sh addons/aftersales_sla/tests/test_penalty.py`): then those.
test_paths=()
named=0
for arg in "$@"; do
    [ -e "${arg%%::*}" ] && named=1
done
if [ "$named" -eq 0 ]; then
    for dir in addons/*/tests tests; do
        [ -d "$dir" ] && test_paths+=("$dir")
    done
fi
"$VENV/bin/python" -m pytest -c "$PROJECT_DIR/pytest.ini" --rootdir="$PROJECT_DIR" \
    --odoo-config="$CONF" --odoo-log-level=info --odoo-http "${test_paths[@]}" "$@"
status=$?
set -e

log "server log check"
if ! "$VENV/bin/python" "$PROJECT_DIR/scripts/check_log.py" "$LOG_DIR/odoo.log" \
        "$PROJECT_DIR/scripts/log-allowlist.txt"; then
    [ "$status" -eq 0 ] && status=3
fi
exit "$status"
