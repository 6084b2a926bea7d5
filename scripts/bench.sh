#!/usr/bin/env bash
# Benchmarks (not part of the test command): sets up, creates the benchmark databases
# once, runs the scenarios and writes docs/benchmarks.md.
#
#   scripts/bench.sh                          # everything: ledger, then tickets
#   scripts/bench.sh --only verify --sizes 100000       # --rounds N (default 2)
#   scripts/bench.sh --only tickets           # the ticket scenario only
#   scripts/bench.sh --only coverage --coverage-sizes 1000,10000 --rounds 3
#   scripts/bench.sh --only maintenance --maintenance-sizes 10000,100000 --rounds 3
#
# --only chooses the scenario: "append" or "verify" (tests/benchmarks/bench_ledger.py),
# "tickets" (tests/benchmarks/bench_tickets.py), "watch" (bench_watch.py) or
# "evaluate" (bench_evaluate.py), "coverage" (bench_coverage.py), "maintenance"
# (bench_maintenance.py, its --maintenance-sizes and --rounds) or "settlement"
# (bench_settlement.py, its --settlement-sizes). The ticket options (--ticket-sizes,
# --milestone-size, --no-oca) go to the ticket benchmark, the coverage options
# (--coverage-sizes, --rounds) to the coverage benchmark, every other option to the
# ledger benchmark.
#
# The benchmark database (BENCH_DB) has every project addon; the coverage scenario
# also needs BENCH_BASE_DB, the same without aftersales_repair (aftersales_sla and
# aftersales_survey), to measure what the repairs addon costs a ticket.
#
# The ticket scenario compares with the OCA addon helpdesk_mgmt_sla 18.0: its wheels
# are downloaded once (pip, no dependencies) into .state/oca-wheels, unpacked into
# .state/oca-addons and installed in a separate database (BENCH_OCA_DB), never in the
# project's virtual environment nor as a project dependency.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

module_state() {
    psql_odoo -d "$1" -tAc "SELECT state FROM ir_module_module WHERE name = '$2'" \
        2>/dev/null || true
}
BENCH_DB="${BENCH_DB:-aftersales_bench}"
BENCH_OCA_DB="${BENCH_OCA_DB:-aftersales_bench_oca}"
BENCH_BASE_DB="${BENCH_BASE_DB:-aftersales_bench_base}"
BASE_ADDONS="aftersales_sla,aftersales_survey"
OCA_DIR="$STATE_DIR/oca-addons"
OCA_WHEELS="$STATE_DIR/oca-wheels"
OCA_MODULES=(helpdesk_mgmt helpdesk_mgmt_sla)
OCA_REQUIREMENTS=("odoo-addon-helpdesk_mgmt_sla>=18.0,<18.1" "odoo-addon-helpdesk_mgmt>=18.0,<18.1")

# The benchmark database with every project addon and no demo data (the scenarios
# that run on their own below, and exit).
prepare_bench_db() {
    bash "$PROJECT_DIR/scripts/setup.sh"
    CONF="$STATE_DIR/bench.conf"
    write_odoo_conf "$CONF" "db_name = $BENCH_DB" "log_level = warn" "max_cron_threads = 0"
    ensure_ledger_key
    if ! db_exists "$BENCH_DB"; then
        log "creating benchmark database $BENCH_DB"
        odoo_bin -c "$CONF" -d "$BENCH_DB" -i "$PROJECT_ADDONS" --without-demo=all --stop-after-init
        ensure_ledger_owner "$BENCH_DB"
    else
        update_addons "$BENCH_DB" "$CONF"
    fi
}

# --- Monthly service reports: scripts/bench.sh --only service-report
#     [--service-report-sizes 1000] [--pdf-sample 20] (tests/benchmarks/
#     bench_service_report.py); handled here on its own, then the script ends.
if [[ " $* " == *" --only service-report "* || " $* " == *" --only=service-report "* ]]; then
    SERVICE_REPORT_ARGS=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --service-report-sizes|--pdf-sample) SERVICE_REPORT_ARGS+=("$1" "${2:-}"); shift 2 ;;
            --service-report-sizes=*|--pdf-sample=*) SERVICE_REPORT_ARGS+=("$1"); shift ;;
            --only) shift 2 ;;
            --only=*) shift ;;
            *) die "--only service-report takes --service-report-sizes and --pdf-sample, not '$1'" ;;
        esac
    done
    prepare_bench_db
    cd "$PROJECT_DIR"
    ODOO_RC="$CONF" "$VENV/bin/python" tests/benchmarks/bench_service_report.py \
        --db "$BENCH_DB" --output "$PROJECT_DIR/docs/benchmarks.md" "${SERVICE_REPORT_ARGS[@]}"
    log "service report results written to docs/benchmarks.md"
    exit 0
fi

# --- Erasure (issue #15) --------------------------------------------------------------
#   scripts/bench.sh --only erasure --erasure-sizes 10000 [--rounds 3]
# (tests/benchmarks/bench_erasure.py; "--only erasure" comes first). One customer's
# erasure request over its N closed tickets; results in docs/benchmarks.md.
if { [ "${1:-}" = "--only" ] && [ "${2:-}" = "erasure" ]; } || [ "${1:-}" = "--only=erasure" ]; then
    if [ "$1" = "--only" ]; then shift 2; else shift; fi
    ERASURE_ARGS=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --erasure-sizes|--rounds) ERASURE_ARGS+=("$1" "${2:-}"); shift 2 ;;
            --erasure-sizes=*|--rounds=*) ERASURE_ARGS+=("$1"); shift ;;
            *) die "--only erasure takes --erasure-sizes and --rounds, not '$1'" ;;
        esac
    done
    prepare_bench_db
    export ODOO_RC="$CONF"
    cd "$PROJECT_DIR"
    "$VENV/bin/python" tests/benchmarks/bench_erasure.py --db "$BENCH_DB" \
        --output "$PROJECT_DIR/docs/benchmarks.md" "${ERASURE_ARGS[@]}"
    log "erasure results written to docs/benchmarks.md"
    exit 0
fi

# --- At size (issue #16): scripts/bench.sh --only scale [--scale-tickets 100000,1000000]
#     [--rounds 20] (tests/benchmarks/scale_generate.py, then bench_scale.py); handled
# here on its own, then the script ends. One database per size, aftersales_scale_<size>
# (100k, 1m...), each a copy of one fresh install (aftersales_scale_base, the five
# addons, no demo data) filled by the generator; a database already generated is
# updated (the addons' current indexes) and measured again. The benchmark starts its own Odoo server on
# SCALE_HTTP_PORT (8184), workers=2, no cron.
if { [ "${1:-}" = "--only" ] && [ "${2:-}" = "scale" ]; } || [ "${1:-}" = "--only=scale" ]; then
    if [ "$1" = "--only" ]; then shift 2; else shift; fi
    SCALE_TICKETS="100000,1000000"
    SCALE_ARGS=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --scale-tickets) SCALE_TICKETS="${2:-}"; shift 2 ;;
            --scale-tickets=*) SCALE_TICKETS="${1#--scale-tickets=}"; shift ;;
            --rounds) SCALE_ARGS+=("$1" "${2:-}"); shift 2 ;;
            --rounds=*) SCALE_ARGS+=("$1"); shift ;;
            *) die "--only scale takes --scale-tickets and --rounds, not '$1'" ;;
        esac
    done
    bash "$PROJECT_DIR/scripts/setup.sh"
    ensure_ledger_key
    SCALE_BASE_DB="${SCALE_BASE_DB:-aftersales_scale_base}"
    BASE_CONF="$STATE_DIR/bench-scale-base.conf"
    write_odoo_conf "$BASE_CONF" "db_name = $SCALE_BASE_DB" "log_level = warn" \
        "max_cron_threads = 0"
    if ! db_exists "$SCALE_BASE_DB"; then
        log "creating the fresh install $SCALE_BASE_DB"
        odoo_bin -c "$BASE_CONF" -d "$SCALE_BASE_DB" -i "$PROJECT_ADDONS" \
            --without-demo=all --stop-after-init
        ensure_ledger_owner "$SCALE_BASE_DB"
    else
        update_addons "$SCALE_BASE_DB" "$BASE_CONF"
    fi
    cd "$PROJECT_DIR"
    SIZES=()
    for size in ${SCALE_TICKETS//,/ }; do
        case "$size" in
            *000000) label="$((size / 1000000))m" ;;
            *000) label="$((size / 1000))k" ;;
            *) label="$size" ;;
        esac
        db="aftersales_scale_$label"
        conf="$STATE_DIR/bench-scale-$label.conf"
        write_odoo_conf "$conf" "db_name = $db" "log_level = warn" "max_cron_threads = 0"
        if ! db_exists "$db"; then
            log "copying $SCALE_BASE_DB to $db"
            psql_odoo -d postgres -c "CREATE DATABASE \"$db\" TEMPLATE \"$SCALE_BASE_DB\""
            rm -rf "$STATE_DIR/filestore/filestore/$db"
            if [ -d "$STATE_DIR/filestore/filestore/$SCALE_BASE_DB" ]; then
                cp -r "$STATE_DIR/filestore/filestore/$SCALE_BASE_DB" "$STATE_DIR/filestore/filestore/$db"
            fi
        else
            # Generated by an earlier run: measured with the current code and indexes.
            update_addons "$db" "$conf"
        fi
        log "generating $size tickets in $db"
        ODOO_RC="$conf" "$VENV/bin/python" tests/benchmarks/scale_generate.py --db "$db" \
            --tickets "$size" --state "$STATE_DIR/scale-$label.json"
        SIZES+=("$size:$db:$conf:$STATE_DIR/scale-$label.json")
    done
    "$VENV/bin/python" tests/benchmarks/bench_scale.py --port "${SCALE_HTTP_PORT:-8184}" \
        --output "$PROJECT_DIR/docs/benchmarks.md" "${SCALE_ARGS[@]}" "${SIZES[@]}"
    log "scale results written to docs/benchmarks.md"
    exit 0
fi

# Split the arguments between the two benchmark scripts.
ONLY=""
LEDGER_ARGS=()
TICKET_ARGS=()
COVERAGE_ARGS=()
MAINTENANCE_ARGS=()
SETTLEMENT_ARGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --only) ONLY="${2:-}"; shift 2 ;;
        --only=*) ONLY="${1#--only=}"; shift ;;
        --ticket-sizes|--milestone-size) TICKET_ARGS+=("$1" "${2:-}"); shift 2 ;;
        --ticket-sizes=*|--milestone-size=*|--no-oca) TICKET_ARGS+=("$1"); shift ;;
        --maintenance-sizes) MAINTENANCE_ARGS+=("$1" "${2:-}"); shift 2 ;;
        --maintenance-sizes=*) MAINTENANCE_ARGS+=("$1"); shift ;;
        --coverage-sizes) COVERAGE_ARGS+=("$1" "${2:-}"); shift 2 ;;
        --rounds) COVERAGE_ARGS+=("$1" "${2:-}"); MAINTENANCE_ARGS+=("$1" "${2:-}")
            LEDGER_ARGS+=("$1" "${2:-}"); shift 2 ;;
        --coverage-sizes=*) COVERAGE_ARGS+=("$1"); shift ;;
        --rounds=*) COVERAGE_ARGS+=("$1"); MAINTENANCE_ARGS+=("$1"); LEDGER_ARGS+=("$1"); shift ;;
        --settlement-sizes) SETTLEMENT_ARGS+=("$1" "${2:-}"); shift 2 ;;
        --settlement-sizes=*) SETTLEMENT_ARGS+=("$1"); shift ;;
        *) LEDGER_ARGS+=("$1"); shift ;;
    esac
done
RUN_WATCH=0
RUN_EVALUATE=0
RUN_COVERAGE=0
RUN_MAINTENANCE=0
RUN_SETTLEMENT=0
case "$ONLY" in
    "") RUN_LEDGER=1; RUN_TICKETS=1; RUN_WATCH=1; RUN_EVALUATE=1; RUN_COVERAGE=1
        RUN_MAINTENANCE=1; RUN_SETTLEMENT=1 ;;
    append|verify) RUN_LEDGER=1; RUN_TICKETS=0; LEDGER_ARGS+=(--only "$ONLY") ;;
    tickets) RUN_LEDGER=0; RUN_TICKETS=1 ;;
    watch) RUN_LEDGER=0; RUN_TICKETS=0; RUN_WATCH=1 ;;
    evaluate) RUN_LEDGER=0; RUN_TICKETS=0; RUN_EVALUATE=1 ;;
    coverage) RUN_LEDGER=0; RUN_TICKETS=0; RUN_COVERAGE=1 ;;
    maintenance) RUN_LEDGER=0; RUN_TICKETS=0; RUN_MAINTENANCE=1 ;;
    settlement) RUN_LEDGER=0; RUN_TICKETS=0; RUN_SETTLEMENT=1 ;;
    *) die "--only: append, verify, tickets, watch, evaluate, coverage, maintenance or settlement, not '$ONLY'" ;;
esac

    bash "$PROJECT_DIR/scripts/setup.sh"
CONF="$STATE_DIR/bench.conf"
write_odoo_conf "$CONF" "db_name = $BENCH_DB" "log_level = warn" "max_cron_threads = 0"
ensure_ledger_key
if ! db_exists "$BENCH_DB"; then
    log "creating benchmark database $BENCH_DB"
    odoo_bin -c "$CONF" -d "$BENCH_DB" -i "$PROJECT_ADDONS" --without-demo=all --stop-after-init
    ensure_ledger_owner "$BENCH_DB"
else
    # A database made before a project addon existed gets it (see update_addons).
    update_addons "$BENCH_DB" "$CONF"
fi
export ODOO_RC="$CONF"
cd "$PROJECT_DIR"

if [ "$RUN_LEDGER" = 1 ]; then
    "$VENV/bin/python" tests/benchmarks/bench_ledger.py --db "$BENCH_DB" \
        --output "$PROJECT_DIR/docs/benchmarks.md" "${LEDGER_ARGS[@]}"
fi

# --- OCA reference (ticket scenario) ------------------------------------------------

# Download and unpack the OCA addons when missing. Their manifests must depend on
# nothing but Odoo itself and each other.
# (These functions run in an if condition, where errexit is off: each step returns on
# failure itself.)
prepare_oca_addons() {
    local missing=0 module
    for module in "${OCA_MODULES[@]}"; do
        [ -f "$OCA_DIR/$module/__manifest__.py" ] || missing=1
    done
    if [ "$missing" = 1 ]; then
        log "downloading ${OCA_MODULES[*]} 18.0 (no dependencies) into $OCA_WHEELS"
        mkdir -p "$OCA_WHEELS" "$OCA_DIR"
        "$VENV/bin/pip" download --quiet --no-deps -d "$OCA_WHEELS" \
            "${OCA_REQUIREMENTS[@]}" || return 1
        local unpack
        unpack="$(mktemp -d)" || return 1
        for module in "${OCA_MODULES[@]}"; do
            local wheel
            wheel="$(ls -t "$OCA_WHEELS"/odoo_addon_"${module}"-18.0.*.whl | head -n 1)" || return 1
            "$VENV/bin/python" -m zipfile -e "$wheel" "$unpack/$module" || return 1
            rm -rf "${OCA_DIR:?}/$module" || return 1
            cp -r "$unpack/$module/odoo/addons/$module" "$OCA_DIR/$module" || return 1
        done
        rm -rf "$unpack"
    fi
    # Every dependency must be in Odoo's source or in the OCA folder.
    "$VENV/bin/python" - "$OCA_DIR" "$ODOO_SRC/addons" "$ODOO_SRC/odoo/addons" <<'EOF'
import ast, os, sys
oca, *core = sys.argv[1:]
missing = set()
for name in sorted(os.listdir(oca)):
    with open(os.path.join(oca, name, "__manifest__.py"), encoding="utf-8") as handle:
        manifest = ast.literal_eval(handle.read())
    for dep in manifest.get("depends", []):
        if not any(os.path.isdir(os.path.join(p, dep)) for p in [oca, *core]):
            missing.add(f"{name} needs {dep}")
if missing:
    sys.exit("OCA addons: dependencies not available: " + ", ".join(sorted(missing)))
EOF
}

oca_module_state() {
    psql_odoo -d "$BENCH_OCA_DB" -tAc \
        "SELECT state FROM ir_module_module WHERE name = 'helpdesk_mgmt_sla'" 2>/dev/null || true
}

prepare_oca_db() {
    OCA_CONF="$STATE_DIR/bench-oca.conf"
    ADDONS_PATH="$ADDONS_PATH,$OCA_DIR" write_odoo_conf "$OCA_CONF" \
        "db_name = $BENCH_OCA_DB" "log_level = warn" "max_cron_threads = 0"
    if ! db_exists "$BENCH_OCA_DB" || [ "$(oca_module_state)" != "installed" ]; then
        log "installing helpdesk_mgmt_sla in the benchmark database $BENCH_OCA_DB"
        odoo_bin -c "$OCA_CONF" -d "$BENCH_OCA_DB" -i helpdesk_mgmt_sla \
            --without-demo=all --stop-after-init || return 1
        [ "$(oca_module_state)" = "installed" ] || {
            echo "helpdesk_mgmt_sla is not installed after -i helpdesk_mgmt_sla" >&2
            return 1
        }
    fi
}

if [ "$RUN_TICKETS" = 1 ]; then
    OCA_ERROR="$STATE_DIR/bench-oca-error.log"
    rm -f "$OCA_ERROR"
    OCA_ARGS=()
    if [[ " ${TICKET_ARGS[*]:-} " == *" --no-oca "* ]]; then
        log "--no-oca: measuring ours only"
    elif (prepare_oca_addons && prepare_oca_db) 2>&1 | tee "$OCA_ERROR" >&2; then
        OCA_ARGS=(--oca-db "$BENCH_OCA_DB" --oca-rc "$STATE_DIR/bench-oca.conf")
        rm -f "$OCA_ERROR"
    else
        log "the OCA reference could not be prepared (see $OCA_ERROR); measuring ours only"
        OCA_ARGS=(--oca-error-file "$OCA_ERROR")
    fi
    "$VENV/bin/python" tests/benchmarks/bench_tickets.py --db "$BENCH_DB" \
        --output "$PROJECT_DIR/docs/benchmarks.md" "${OCA_ARGS[@]}" "${TICKET_ARGS[@]}"
fi
log "results written to docs/benchmarks.md"

if [ "$RUN_WATCH" = 1 ]; then
    # The ledger cannot be emptied: the watch scenario gets a fresh database each run.
    WATCH_DB="${BENCH_WATCH_DB:-aftersales_bench_watch}"
    WATCH_CONF="$STATE_DIR/bench-watch.conf"
    write_odoo_conf "$WATCH_CONF" "db_name = $WATCH_DB" "log_level = warn" "max_cron_threads = 0"
    psql_odoo -d postgres -c "DROP DATABASE IF EXISTS \"$WATCH_DB\" WITH (FORCE)"
    log "creating benchmark database $WATCH_DB"
    odoo_bin -c "$WATCH_CONF" -d "$WATCH_DB" -i aftersales_sla --without-demo=all --stop-after-init
    ODOO_RC="$WATCH_CONF" "$VENV/bin/python" tests/benchmarks/bench_watch.py --db "$WATCH_DB" \
        --output "$PROJECT_DIR/docs/benchmarks.md"
    log "SLA watch results written to docs/benchmarks.md"
fi

if [ "$RUN_EVALUATE" = 1 ]; then
    "$VENV/bin/python" tests/benchmarks/bench_evaluate.py --db "$BENCH_DB" \
        --output "$PROJECT_DIR/docs/benchmarks.md"
    log "evaluation results written to docs/benchmarks.md"
fi

if [ "$RUN_COVERAGE" = 1 ]; then
    # The same project without aftersales_repair, measured in the same run.
    BASE_CONF="$STATE_DIR/bench-base.conf"
    write_odoo_conf "$BASE_CONF" "db_name = $BENCH_BASE_DB" "log_level = warn" \
        "max_cron_threads = 0"
    if ! db_exists "$BENCH_BASE_DB"; then
        log "creating benchmark database $BENCH_BASE_DB ($BASE_ADDONS)"
        odoo_bin -c "$BASE_CONF" -d "$BENCH_BASE_DB" -i "$BASE_ADDONS" \
            --without-demo=all --stop-after-init
        ensure_ledger_owner "$BENCH_BASE_DB"
    else
        PROJECT_ADDONS="$BASE_ADDONS" update_addons "$BENCH_BASE_DB" "$BASE_CONF"
    fi
    [ "$(module_state "$BENCH_BASE_DB" aftersales_repair)" != "installed" ] \
        || die "$BENCH_BASE_DB has aftersales_repair: it must be the base without it"
    "$VENV/bin/python" tests/benchmarks/bench_coverage.py --db "$BENCH_DB" \
        --base-db "$BENCH_BASE_DB" --base-rc "$BASE_CONF" \
        --output "$PROJECT_DIR/docs/benchmarks.md" "${COVERAGE_ARGS[@]}"
    log "coverage results written to docs/benchmarks.md"
fi

if [ "$RUN_MAINTENANCE" = 1 ]; then
    ODOO_RC="$CONF" "$VENV/bin/python" tests/benchmarks/bench_maintenance.py --db "$BENCH_DB" \
        --output "$PROJECT_DIR/docs/benchmarks.md" "${MAINTENANCE_ARGS[@]}"
    log "maintenance results written to docs/benchmarks.md"
fi

if [ "$RUN_SETTLEMENT" = 1 ]; then
    "$VENV/bin/python" tests/benchmarks/bench_settlement.py --db "$BENCH_DB" \
        --output "$PROJECT_DIR/docs/benchmarks.md" "${SETTLEMENT_ARGS[@]}"
    log "settlement results written to docs/benchmarks.md"
fi
