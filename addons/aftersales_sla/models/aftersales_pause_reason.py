from odoo import fields, models


class AftersalesPauseReason(models.Model):
    """Why a ticket waits. An SLA target names the reasons that stop its clock."""

    _name = "aftersales.pause.reason"
    _description = "After-Sales Pause Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "A pause reason code must be unique."),
    ]
