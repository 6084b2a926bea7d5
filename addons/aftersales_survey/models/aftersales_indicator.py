from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AftersalesIndicator(models.Model):
    """A satisfaction indicator (attitude, quality, timeliness...): what survey
    questions measure, weighted per contract into a satisfaction index."""

    _name = "aftersales.indicator"
    _description = "After-Sales Satisfaction Indicator"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, index=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "An indicator code is unique."),
    ]

    @api.constrains("code")
    def _check_code(self):
        for indicator in self:
            code = (indicator.code or "").strip()
            if not code or " " in code:
                raise ValidationError(
                    self.env._(
                        "Indicator code %(code)r: one word without spaces.",
                        code=indicator.code,
                    )
                )
