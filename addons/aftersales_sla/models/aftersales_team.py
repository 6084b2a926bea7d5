from odoo import fields, models


class AftersalesTeam(models.Model):
    """A service team: technicians see their team's tickets."""

    _name = "aftersales.team"
    _description = "After-Sales Team"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )
    leader_id = fields.Many2one("res.users", string="Team Leader")
    member_ids = fields.Many2many(
        "res.users",
        "aftersales_team_member_rel",
        "team_id",
        "user_id",
        string="Members",
    )
    active = fields.Boolean(default=True)
