from odoo import fields, models


class AftersalesServiceType(models.Model):
    """Kinds of service a contract covers and a ticket asks for (repair...)."""

    _name = "aftersales.service.type"
    _description = "After-Sales Service Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Stable technical name, e.g. 'repair'.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    is_complaint = fields.Boolean(
        string="Complaint",
        help="Tickets of this type are complaints: their SLA metrics are complaint "
        "response and complaint feedback.",
    )

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "A service type code must be unique."),
    ]
