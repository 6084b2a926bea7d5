#!/usr/bin/env bash
# Benchmarks (not part of the test command): sets up, creates the benchmark database
# once (both addons, no demo data), runs the scenarios and writes docs/benchmarks.md.
# Extra arguments go to the benchmark, e.g. --only verify --sizes 100000.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BENCH_DB="${BENCH_DB:-aftersales_bench}"

bash "$PROJECT_DIR/scripts/setup.sh"
CONF="$STATE_DIR/bench.conf"
write_odoo_conf "$CONF" "db_name = $BENCH_DB" "log_level = warn" "max_cron_threads = 0"
if ! db_exists "$BENCH_DB"; then
    log "creating benchmark database $BENCH_DB"
    odoo_bin -c "$CONF" -d "$BENCH_DB" -i "$PROJECT_ADDONS" --without-demo=all --stop-after-init
else
    odoo_bin -c "$CONF" -d "$BENCH_DB" -u "$PROJECT_ADDONS" --stop-after-init
fi
export ODOO_RC="$CONF"
cd "$PROJECT_DIR"
"$VENV/bin/python" tests/benchmarks/bench_ledger.py --db "$BENCH_DB" \
    --output "$PROJECT_DIR/docs/benchmarks.md" "$@"
log "results written to docs/benchmarks.md"
