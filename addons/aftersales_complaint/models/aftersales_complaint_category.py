from odoo import fields, models


class AftersalesComplaintCategory(models.Model):
    """What a complaint is about (product quality, service attitude, charges ...):
    configurable, translated, counted in pivots, scorecards and evaluations."""

    _name = "aftersales.complaint.category"
    _description = "Complaint Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Stable identifier of the category, for reports and integrations.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)

    _sql_constraints = [
        (
            "code_unique",
            "UNIQUE(code)",
            "A complaint category's code must be unique.",
        ),
    ]
