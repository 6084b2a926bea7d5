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
# The role that owns the service ledger's tables, triggers and functions (never the
# role Odoo runs as). Its password lives in a file of its own, outside Odoo's
# configuration, one per PostgreSQL server (the role is the server's).
PGUSER_LEDGER="${PGUSER_LEDGER:-${PGUSER_ODOO}_ledger}"
LEDGER_OWNER_SECRET="${LEDGER_OWNER_SECRET:-${XDG_CONFIG_HOME:-$HOME/.config}/aftersales/ledger-owner-$PGUSER_LEDGER@$PGHOST:$PGPORT}"
# The Ed25519 key that signs the ledger's checkpoints: a file outside the database,
# named in Odoo's configuration (aftersales_ledger_key_file).
LEDGER_KEY_FILE="${LEDGER_KEY_FILE:-${XDG_CONFIG_HOME:-$HOME/.config}/aftersales/ledger-signing-key.pem}"
# Chromium and wkhtmltopdf (Qt) want a private runtime directory.
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/runtime-$(id -u)}"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
ADDONS_PATH="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$PROJECT_DIR/addons"
PROJECT_ADDONS="aftersales_sla,aftersales_survey,aftersales_repair,aftersales_field,aftersales_complaint"
# Languages of every database the scripts create; the first is the default language of
# new users and partners (English), the others are installed beside it.
LOAD_LANGUAGES="en_US,zh_CN,zh_TW"

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
        echo "aftersales_ledger_key_file = $LEDGER_KEY_FILE"
        for line in "$@"; do echo "$line"; done
    } >"$file"
}

odoo_bin() {
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "$@"
}

# The ledger owner role (created once per PostgreSQL server) and its password file.
ensure_ledger_owner_role() {
    local dir
    dir="$(dirname "$LEDGER_OWNER_SECRET")"
    mkdir -p "$dir" && chmod 700 "$dir"
    if [ ! -s "$LEDGER_OWNER_SECRET" ]; then
        (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$LEDGER_OWNER_SECRET")
    fi
    local secret
    secret="$(cat "$LEDGER_OWNER_SECRET")"
    if [ "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$PGUSER_LEDGER'")" != "1" ]; then
        log "creating PostgreSQL role $PGUSER_LEDGER (owner of the service ledger)"
        psql_admin -d postgres -c "CREATE ROLE \"$PGUSER_LEDGER\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
    fi
    if ! PGPASSWORD="$secret" psql -X -q -h "$PGHOST" -p "$PGPORT" -U "$PGUSER_LEDGER" \
            -d postgres -tAc "SELECT 1" >/dev/null 2>&1; then
        psql_admin -d postgres -c "ALTER ROLE \"$PGUSER_LEDGER\" LOGIN PASSWORD '$secret'"
    fi
    # The owner may act as the runtime role (an upgrade run as the owner reaches
    # every table); never the other way round.
    psql_admin -d postgres -c "GRANT \"$PGUSER_ODOO\" TO \"$PGUSER_LEDGER\"" 2>/dev/null || true
}

# The owner step on one database: the ledger owner role takes the ledger tables,
# their guards and the schema; the runtime role keeps SELECT, INSERT and sealing.
# Run after Odoo created or updated the tables; idempotent.
ensure_ledger_owner() {
    local db="$1"
    ensure_ledger_owner_role
    {
        cat "$PROJECT_DIR/scripts/ledger_owner.sql"
        cat "$PROJECT_DIR/addons/aftersales_sla/sql/aftersales_ledger_guard.sql"
        cat "$PROJECT_DIR/scripts/ledger_owner_end.sql"
    } | psql_admin -d "$db" -v runtime="$PGUSER_ODOO" -v owner="$PGUSER_LEDGER" >/dev/null
}

# A libpq connection string for the ledger owner on a database (tests tamper with
# it as an attacker holding the owner's password would).
ledger_owner_dsn() {
    printf 'host=%s port=%s dbname=%s user=%s password=%s' \
        "$PGHOST" "$PGPORT" "$1" "$PGUSER_LEDGER" "$(cat "$LEDGER_OWNER_SECRET")"
}

# The checkpoint signing key: an Ed25519 private key (PEM, PKCS#8), created once,
# readable by its owner only. Never stored in the database.
ensure_ledger_key() {
    if [ -s "$LEDGER_KEY_FILE" ]; then return; fi
    mkdir -p "$(dirname "$LEDGER_KEY_FILE")" && chmod 700 "$(dirname "$LEDGER_KEY_FILE")"
    log "creating the ledger's checkpoint signing key $LEDGER_KEY_FILE"
    (umask 077 && "$VENV/bin/python" -c '
import sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
key = Ed25519PrivateKey.generate()
sys.stdout.buffer.write(key.private_bytes(serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
' >"$LEDGER_KEY_FILE")
}

# The addons of PROJECT_ADDONS not installed in database $1, comma-separated.
missing_addons() {
    local names="'${PROJECT_ADDONS//,/\',\'}'" installed addon missing=()
    installed=",$(psql_odoo -d "$1" -tAc "SELECT string_agg(name, ',') FROM ir_module_module
        WHERE name IN ($names) AND state = 'installed'" 2>/dev/null || true),"
    for addon in ${PROJECT_ADDONS//,/ }; do
        [[ "$installed" == *",$addon,"* ]] || missing+=("$addon")
    done
    (IFS=,; echo "${missing[*]}")
}

# Update the addons in a database that went through the owner step: the update runs
# as the ledger owner (it may change the ledger tables, which the runtime role
# cannot), then the owner step gives back what the update created and re-applies
# the guards. On a database without the owner step yet it is the plain update.
# The project's addons a database made by an older version does not have yet are
# installed by the same step (a new addon joins the database, its data kept).
#   update_addons DB CONF [extra odoo-bin arguments...]
update_addons() {
    local db="$1" conf="$2" missing; shift 2
    missing="$(missing_addons "$db")"
    if [ -n "$missing" ]; then
        log "installing the project's new addons in $db: $missing"
        set -- -i "$missing" "$@"
    fi
    ensure_ledger_owner_role
    odoo_bin -c "$conf" -d "$db" -u "$PROJECT_ADDONS" --stop-after-init \
        --db_user="$PGUSER_LEDGER" --db_password="$(cat "$LEDGER_OWNER_SECRET")" "$@"
    ensure_ledger_owner "$db"
}
