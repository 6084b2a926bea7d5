#!/bin/bash
# Run once by the official postgres image when the data volume is created (as the
# superuser): the role Odoo runs as (not a superuser) and the service ledger's
# owner role, which may act as the runtime role but never the other way round.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v odoo_password="$ODOO_DB_PASSWORD" -v owner_password="$LEDGER_OWNER_PASSWORD" <<'SQL'
CREATE ROLE odoo LOGIN CREATEDB PASSWORD :'odoo_password';
CREATE ROLE odoo_ledger LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE
    PASSWORD :'owner_password';
GRANT odoo TO odoo_ledger;
SQL
