#!/usr/bin/env bash
# Verify the service ledger from the shell (Odoo CLI command `aftersales_ledger`).
#   scripts/ledger.sh [--seal] [--chain ID] [--checkpoints FILE]
# Prints the result as JSON; exit 0 intact, 2 broken, 1 usage error.
#   DB_NAME  database (default: aftersales, the run command's database)
#   ODOO_RC  Odoo configuration file (default: the run command's)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB_NAME="${DB_NAME:-aftersales}"
CONF="${ODOO_RC:-$STATE_DIR/ledger.conf}"
[ -n "${ODOO_RC:-}" ] || write_odoo_conf "$CONF" "log_level = warn"
exec "$VENV/bin/python" "$ODOO_SRC/odoo-bin" --addons-path="$ADDONS_PATH" \
    aftersales_ledger -c "$CONF" -d "$DB_NAME" "$@"
