#!/usr/bin/env bash
# Regenerate both addons' .pot templates from a database that has them installed
# (default: the test database). Then add the new terms to zh_CN.po and zh_TW.po
# (msgmerge), translate them; tests/test_translations.py fails until you do.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB="${TEST_DB:-aftersales_test}"
CONF="$STATE_DIR/i18n.conf"
write_odoo_conf "$CONF" "log_level = warn"
update_addons "$DB" "$CONF"  # as the ledger owner: a plain -u cannot alter its tables
for module in ${PROJECT_ADDONS//,/ }; do
    odoo_bin -c "$CONF" -d "$DB" --i18n-export="$PROJECT_DIR/addons/$module/i18n/$module.pot" \
        --modules="$module" --stop-after-init
    for lang in zh_CN zh_TW; do
        po="$PROJECT_DIR/addons/$module/i18n/$lang.po"
        [ -f "$po" ] || msginit --no-translator --no-wrap --locale="$lang.UTF-8" \
            --input="$PROJECT_DIR/addons/$module/i18n/$module.pot" --output-file="$po"
        msgmerge --quiet --update --backup=none --no-fuzzy-matching \
            "$PROJECT_DIR/addons/$module/i18n/$lang.po" "$PROJECT_DIR/addons/$module/i18n/$module.pot"
    done
done
