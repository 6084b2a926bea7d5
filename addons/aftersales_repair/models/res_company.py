from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    aftersales_repair_guarantee_days = fields.Integer(
        string="Repair Guarantee (Days)",
        default=90,
        help="Days a paid repair is guaranteed when the ticket's contract gives "
        "none (or the ticket has no contract). 0: no guarantee.",
    )

    _sql_constraints = [
        (
            "aftersales_repair_guarantee_days_positive",
            "CHECK(aftersales_repair_guarantee_days >= 0)",
            "A repair guarantee cannot last a negative number of days.",
        )
    ]
