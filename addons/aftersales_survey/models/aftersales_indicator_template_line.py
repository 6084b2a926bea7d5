from odoo import fields, models


class AftersalesIndicatorTemplateLine(models.Model):
    _name = "aftersales.indicator.template.line"
    _inherit = ["aftersales.indicator.weight.mixin"]
    _description = "After-Sales Satisfaction Template Weight"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "aftersales.indicator.template",
        required=True,
        ondelete="cascade",
        index=True,
    )

    _sql_constraints = [
        (
            "indicator_unique",
            "UNIQUE(template_id, indicator_id)",
            "An indicator is weighted once per template.",
        ),
    ]

    def _weight_siblings(self):
        return [template.line_ids for template in self.template_id]

    def _weight_owner_label(self):
        return self.template_id.display_name
