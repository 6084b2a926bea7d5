#!/usr/bin/env bash
# Shared settings for the project's scripts. Sourced, never run.
# Every value can be overridden from the environment.
set -euo pipefail

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_SRC="${ODOO_SRC:-/opt/odoo18}"
ODOO_BRANCH="${ODOO_BRANCH:-18.0}"
ODOO_REPO="${ODOO_REPO:-https://github.com/odoo/odoo.git}"
VENV="${VENV:-$PROJECT_DIR/.venv}"
STATE_DIR="${STATE_DIR:-$PROJECT_DIR/.state}"
PGHOST="${PGHOST:-localhost}"
PGPORT="${PGPORT:-5432}"
PGUSER_ODOO="${PGUSER_ODOO:-odoo}"
PGPASSWORD_ODOO="${PGPASSWORD_ODOO:-odoo}"
# Chromium and wkhtmltopdf (Qt) want a private runtime directory.
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/runtime-$(id -u)}"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
ADDONS_PATH="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$PROJECT_DIR/addons"
PROJECT_ADDONS="aftersales_sla,aftersales_survey"

log() { printf '\033[1;34m[%s]\033[0m %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# psql as the PostgreSQL superuser (peer authentication on the local socket).
psql_admin() {
    if [ "$(id -u)" -eq 0 ]; then
        su postgres -c "psql -X -q -v ON_ERROR_STOP=1 $(printf '%q ' "$@")"
    else
        sudo -u postgres psql -X -q -v ON_ERROR_STOP=1 "$@"
    fi
}

# psql as the project's own role, over TCP with its password.
psql_odoo() {
    PGPASSWORD="$PGPASSWORD_ODOO" psql -X -q -v ON_ERROR_STOP=1 \
        -h "$PGHOST" -p "$PGPORT" -U "$PGUSER_ODOO" "$@"
}

db_exists() {
    [ "$(psql_odoo -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = "1" ]
}

# Write an Odoo configuration file: write_odoo_conf FILE [extra "key = value" lines...]
write_odoo_conf() {
    local file="$1"; shift
    mkdir -p "$(dirname "$file")"
    {
        echo "[options]"
        echo "addons_path = $ADDONS_PATH"
        echo "db_host = $PGHOST"
        echo "db_port = $PGPORT"
        echo "db_user = $PGUSER_ODOO"
        echo "db_password = $PGPASSWORD_ODOO"
        echo "admin_passwd = admin"
        echo "data_dir = $STATE_DIR/filestore"
        echo "list_db = True"
        for line in "$@"; do echo "$line"; done
    } >"$file"
}

odoo_bin() {
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "$@"
}
