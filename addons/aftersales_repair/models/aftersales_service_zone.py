from odoo import fields, models


class AftersalesServiceZone(models.Model):
    """An area the service covers (a district, a town, the countryside): the
    visit fee of a unit may depend on its zone."""

    _name = "aftersales.service.zone"
    _description = "After-Sales Service Zone"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="The company serving this zone; empty: every company.",
    )
    note = fields.Text(help="Which districts or towns the zone covers.")

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique (name, company_id)",
            "A service zone's name is unique per company.",
        )
    ]
