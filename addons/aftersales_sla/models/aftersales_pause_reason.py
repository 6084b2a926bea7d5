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
    stops_response = fields.Boolean(
        string="Stops Response Clocks by Default",
        help="New response targets list this reason among those that stop their clock.",
    )
    stops_arrival = fields.Boolean(
        string="Stops On-site Arrival Clocks by Default",
        help="New on-site arrival targets list this reason among those that stop "
        "their clock.",
    )
    stops_resolution = fields.Boolean(
        string="Stops Resolution Clocks by Default",
        default=True,
        help="New resolution targets list this reason among those that stop their "
        "clock.",
    )

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "A pause reason code must be unique."),
    ]
