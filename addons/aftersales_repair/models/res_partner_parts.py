from odoo import fields, models


class ResPartner(models.Model):
    """A service partner holds a stock location of spare parts: its technicians
    take the parts they use on their tickets from it."""

    _inherit = "res.partner"

    aftersales_stock_location_id = fields.Many2one(
        "stock.location",
        string="Spare Parts Location",
        domain="[('usage', '=', 'internal')]",
        ondelete="restrict",
        help="The service partner's stock of spare parts: the technicians of this "
        "partner (its contacts' users) take the parts they use from it.",
    )
