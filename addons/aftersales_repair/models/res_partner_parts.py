from odoo import api, fields, models


class ResPartner(models.Model):
    """A service partner holds a stock location of spare parts: its technicians
    take the parts they use on their tickets from it."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    aftersales_stock_location_id = fields.Many2one(
        "stock.location",
        string="Spare Parts Location",
        domain="[('usage', '=', 'internal')]",
        ondelete="restrict",
        help="The service partner's stock of spare parts: the technicians of this "
        "partner (its contacts' users) take the parts they use from it.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("aftersales_stock_location_id") for vals in vals_list):
            self.env["stock.location"]._aftersales_check_holders_manager()
        return super().create(vals_list)

    def write(self, vals):
        if "aftersales_stock_location_id" in vals:
            self.env["stock.location"]._aftersales_check_holders_manager()
        return super().write(vals)
