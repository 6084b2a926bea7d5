from odoo import api, fields, models
from odoo.exceptions import ValidationError


# The product's warranty lives apart from its service policy (another file).
class ProductTemplate(models.Model):
    _inherit = "product.template"  # pylint: disable=consider-merging-classes-inherited

    aftersales_warranty_months = fields.Integer(
        string="Warranty (Months)",
        help="The manufacturer's warranty of every unit sold, counted from its "
        "installation date. 0: no warranty.",
    )
    aftersales_warranty_terms = fields.Text(
        string="Warranty Terms",
        translate=True,
        help="What the warranty covers: copied onto each new unit of the product.",
    )
    aftersales_warranty_exclusions = fields.Text(
        string="Warranty Exclusions",
        translate=True,
        help="What the warranty excludes (misuse, self-disassembly, force majeure, "
        "repairs by others...): copied onto each new unit of the product.",
    )

    def write(self, vals):
        if "aftersales_warranty_months" not in vals:
            return super().write(vals)
        # sudo: the units of these products, whoever changes their warranty.
        units = (
            self.env["aftersales.unit"]
            .sudo()
            .with_context(active_test=False)
            .search([("product_id.product_tmpl_id", "in", self.ids)])
        )
        with units._coverage_follows_warranty():
            return super().write(vals)

    @api.constrains("aftersales_warranty_months")
    def _check_aftersales_warranty_months(self):
        for template in self:
            if not 0 <= template.aftersales_warranty_months <= 600:
                raise ValidationError(
                    self.env._(
                        "The warranty of %(product)s must lie between 0 and 600 "
                        "months, not %(months)s.",
                        product=template.display_name,
                        months=template.aftersales_warranty_months,
                    )
                )
