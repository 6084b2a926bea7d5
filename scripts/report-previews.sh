#!/usr/bin/env bash
# Render the first page of every after-sales PDF report, in English and in Chinese,
# from the demo data, into docs/reports/img/ (the pages in docs/reports/ show them).
#   DOCS_DB  database with both addons and demo data (default: aftersales_docs; created
#            with $LOAD_LANGUAGES when missing, updated otherwise, as the ledger owner)
#   DOCS_PORT port of the Odoo that serves the report styles meanwhile (default: 8072)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DOCS_DB="${DOCS_DB:-aftersales_docs}"

bash "$PROJECT_DIR/scripts/setup.sh"
ensure_ledger_key
CONF="$STATE_DIR/docs.conf"
write_odoo_conf "$CONF" "db_name = $DOCS_DB" "log_level = warn" "max_cron_threads = 0"
if ! db_exists "$DOCS_DB"; then
    log "creating $DOCS_DB with demo data"
    odoo_bin -c "$CONF" -d "$DOCS_DB" -i "$PROJECT_ADDONS" --load-language="$LOAD_LANGUAGES" \
        --stop-after-init
else
    # The ledger tables belong to the ledger owner role: update as that role (a
    # plain `odoo-bin -u` cannot alter them), as scripts/run.sh does.
    update_addons "$DOCS_DB" "$CONF"
fi
ensure_ledger_owner "$DOCS_DB"  # idempotent: also a database made by an older version
OUT="$PROJECT_DIR/docs/reports/img"
mkdir -p "$OUT"
# wkhtmltopdf loads the report styles from a running Odoo: serve one meanwhile.
PORT="${DOCS_PORT:-8072}"
"$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF" -d "$DOCS_DB" --http-port="$PORT" \
    --db-filter="^$DOCS_DB\$" >"$STATE_DIR/docs-server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 60); do
    "$VENV/bin/python" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/web/health', timeout=2)" \
        2>/dev/null && break
    sleep 1
done
REPORT_PREVIEW_OUT="$OUT" REPORT_URL="http://127.0.0.1:$PORT" \
    odoo_bin shell -c "$CONF" -d "$DOCS_DB" --no-http < "$PROJECT_DIR/scripts/report_previews.py"
log "previews written to $OUT"
