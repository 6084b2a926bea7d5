from odoo import fields, models


class ProductTemplate(models.Model):
    """A product lists the spare parts approved for its repairs."""

    _inherit = "product.template"  # pylint: disable=consider-merging-classes-inherited

    aftersales_approved_part_ids = fields.Many2many(
        "product.template",
        "aftersales_product_approved_part_rel",
        "product_tmpl_id",
        "part_tmpl_id",
        string="Approved Spare Parts",
        help="The spare parts approved for the repairs of this product. A part not "
        "listed is used only with a reason, recorded on the repair. A product "
        "without approved parts restricts none.",
    )

    def _aftersales_approves(self, part):
        """Whether ``part`` (a product) is approved for repairs of this product."""
        self.ensure_one()
        # sudo: the approved parts decide, whoever repairs (no product rights needed)
        approved = self.sudo().aftersales_approved_part_ids
        return not approved or part.product_tmpl_id in approved
