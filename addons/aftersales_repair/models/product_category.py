from odoo import fields, models


class ProductCategory(models.Model):
    """A product category may promise a standard service to every buyer of its
    products (and of its sub-categories' products)."""

    _inherit = "product.category"

    aftersales_sla_policy_id = fields.Many2one(
        "aftersales.sla.policy",
        string="Standard Service Promise",
        company_dependent=True,
        help="The SLA policy every buyer of this category's products gets when no "
        "service contract covers their ticket (e.g. 24 h response to every buyer). "
        "A product's own promise wins; empty here: the parent category's applies. "
        "Never any penalty: penalties come from contracts only.",
    )
    aftersales_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Standard Service Hours",
        company_dependent=True,
        help="The hours the standard promise counts on, for targets counted on the "
        "service hours (targets with a calendar of their own keep it). Empty: all "
        "the time counts (24x7).",
    )

    def _aftersales_standard_promise(self):
        """(category, policy, calendar) of the nearest category up the tree (this
        one first) that promises a standard service, or None."""
        self.ensure_one()
        category = self
        seen = set()
        while category and category.id not in seen:
            seen.add(category.id)
            if category.aftersales_sla_policy_id:
                return (
                    category,
                    category.aftersales_sla_policy_id,
                    category.aftersales_calendar_id,
                )
            category = category.parent_id
        return None
