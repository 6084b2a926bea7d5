from odoo import fields, models


class ProductTemplate(models.Model):
    """Spare parts a service partner fits are paid at cost plus a markup: the
    partner contract's fee line of this kind carries the markup."""

    _inherit = "product.template"  # pylint: disable=consider-merging-classes-inherited

    aftersales_fee_kind = fields.Selection(
        selection_add=[("parts", "Parts at Cost Plus")],
        ondelete={"parts": "set null"},
    )
