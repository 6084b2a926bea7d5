from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.aftersales_sla.models.aftersales_contract import MONEY_READERS


class AftersalesContractFee(models.Model):
    """A fee line of the parts kind pays the parts a service partner fitted at
    their cost plus this markup."""

    _inherit = "aftersales.contract.fee"  # pylint: disable=consider-merging-classes-inherited

    fee_kind = fields.Selection(related="product_id.aftersales_fee_kind")
    cost_plus_percent = fields.Float(
        string="Cost Plus (%)",
        digits=(16, 2),
        default=0.0,
        groups=MONEY_READERS,
        help="For a fee whose product is of the kind Parts at Cost Plus: a service "
        "partner's settlement pays the parts it fitted at their cost (the product's "
        "cost) increased by this percentage.",
    )

    @api.constrains("cost_plus_percent")
    def _check_cost_plus_percent(self):
        for fee in self:
            if not 0 <= fee.cost_plus_percent <= 1000:
                raise ValidationError(
                    self.env._(
                        "The cost-plus markup of fee %(fee)s must lie between 0 and "
                        "1000 %%.",
                        fee=fee.name,
                    )
                )
