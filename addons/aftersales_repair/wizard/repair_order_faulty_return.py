from odoo import api, fields, models


class RepairOrderFaultyReturn(models.TransientModel):
    """The manufacturer that takes back the faulty parts without vendor."""

    _name = "repair.order.faulty.return"
    _description = "Return Faulty Parts to the Manufacturer"

    repair_ids = fields.Many2many("repair.order", required=True, readonly=True)
    part_names = fields.Text(
        string="Parts without Vendor", compute="_compute_part_names"
    )
    vendor_id = fields.Many2one(
        "res.partner",
        string="Manufacturer",
        required=True,
        help="Takes back the faulty parts that have no vendor; the others go to "
        "their own vendor.",
    )

    @api.depends("repair_ids")
    def _compute_part_names(self):
        for wizard in self:
            moves = wizard.repair_ids._aftersales_faulty_moves()
            wizard.part_names = "\n".join(
                moves.filtered(
                    lambda move: not move.product_id.seller_ids
                ).product_id.mapped("display_name")
            )

    def action_return(self):
        self.ensure_one()
        return self.repair_ids._aftersales_return_faulty_parts(self.vendor_id)
