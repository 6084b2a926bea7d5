"""18.0.1.1.0: the payment journals of repairs (WeChat Pay, Alipay; cash and bank
transfer where missing) for databases that installed an earlier version."""

from odoo import SUPERUSER_ID, api

from odoo.addons.aftersales_repair.tools.payment_journals import (
    ensure_payment_journals,
)


def migrate(cr, version):
    if not version:
        return
    ensure_payment_journals(api.Environment(cr, SUPERUSER_ID, {}))
