#!/usr/bin/env bash
# Set up (idempotent), create the demo database with both addons unless it exists, and
# serve Odoo at http://localhost:8069 (login admin / password admin) until stopped.
# The service ledger's tables belong to a separate PostgreSQL role ($PGUSER_LEDGER,
# see lib.sh: ensure_ledger_owner); updates run as that role. Checkpoints are signed
# with the key file $LEDGER_KEY_FILE (created once).
#   DB_NAME   database to serve (default: aftersales)
#   HTTP_PORT port (default: 8069)
#   KEEP_DB=1 never recreate the database (see below)
#
# The database is a demo database: when its demo data could not be brought up to date
# (Odoo then marks the addons as installed without demo data, e.g. after new demo
# records that an older demo state refuses), it is dropped and created again, unless
# KEEP_DB=1.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB_NAME="${DB_NAME:-aftersales}"
HTTP_PORT="${HTTP_PORT:-8069}"

bash "$PROJECT_DIR/scripts/setup.sh"
ensure_ledger_key
CONF="$STATE_DIR/run.conf"
write_odoo_conf "$CONF" "http_port = $HTTP_PORT" "db_name = $DB_NAME" "dbfilter = ^$DB_NAME\$"

STAMP="$STATE_DIR/run-$DB_NAME.stamp"
create_db() {
    log "creating database $DB_NAME with $PROJECT_ADDONS and demo data"
    if ! odoo_bin -c "$CONF" -d "$DB_NAME" -i "$PROJECT_ADDONS" \
        --load-language="$LOAD_LANGUAGES" --stop-after-init --log-level=warn; then
        psql_odoo -d postgres -c "DROP DATABASE IF EXISTS \"$DB_NAME\"" || true
        die "could not create database $DB_NAME"
    fi
    ensure_ledger_owner "$DB_NAME"
}
demo_complete() {
    local names="'${PROJECT_ADDONS//,/\',\'}'" expected
    expected="$(tr ',' '\n' <<<"$PROJECT_ADDONS" | wc -l)"
    [ "$(psql_odoo -d "$DB_NAME" -tAc "SELECT count(*) FROM ir_module_module
        WHERE name IN ($names) AND state = 'installed' AND demo")" = "$expected" ]
}
if ! db_exists "$DB_NAME"; then
    create_db
elif [ -n "$(find "$PROJECT_DIR/addons" -type f -newer "$STAMP" -print -quit 2>/dev/null)" ] \
        || [ ! -f "$STAMP" ]; then
    log "the addons changed since the last run: updating $PROJECT_ADDONS in $DB_NAME"
    update_addons "$DB_NAME" "$CONF" --log-level=warn \
        || die "could not update $PROJECT_ADDONS in $DB_NAME"
fi
if ! demo_complete && [ "${KEEP_DB:-0}" != 1 ]; then
    log "the demo data of $DB_NAME is incomplete or outdated: recreating the database"
    psql_odoo -d postgres -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)"
    rm -rf "$STATE_DIR/filestore/filestore/$DB_NAME"
    create_db
fi
ensure_ledger_owner "$DB_NAME"  # idempotent: also a database made by an older version
touch "$STAMP"
log "serving Odoo at http://localhost:$HTTP_PORT (admin / admin); Ctrl-C stops"
exec "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF" -d "$DB_NAME"
