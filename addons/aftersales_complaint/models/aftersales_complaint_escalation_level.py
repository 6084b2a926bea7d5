from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AftersalesComplaintEscalationLevel(models.Model):
    """A step of the complaint escalation ladder: when the most urgent clock of an
    unanswered complaint has used ``threshold_percent`` of its target (100: the
    deadline passed, the clock is breached), the complaint rises to this level and
    its people are asked to act."""

    _name = "aftersales.complaint.escalation.level"
    _description = "Complaint Escalation Level"
    _order = "company_id, level, id"

    name = fields.Char(required=True, translate=True)
    level = fields.Integer(
        required=True,
        default=1,
        help="The level number (1 the first); complaints only rise.",
    )
    threshold_percent = fields.Float(
        string="Threshold (% of target)",
        required=True,
        default=50.0,
        help="Share of a complaint clock's target elapsed at which complaints rise "
        "to this level; 100: when the clock is breached.",
    )
    user_ids = fields.Many2many(
        "res.users",
        string="Notify Users",
        domain="[('share', '=', False)]",
        help="Who gets an activity when a complaint rises to this level.",
    )
    group_id = fields.Many2one(
        "res.groups",
        string="Notify Group",
        help="Every user of this group (in the complaint's company) also gets one.",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Empty: for every company.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "level_company_unique",
            "UNIQUE(level, company_id)",
            "Each escalation level number is used once per company.",
        ),
    ]

    @api.constrains("level", "threshold_percent")
    def _check_threshold(self):
        for level in self:
            if level.level < 1:
                raise ValidationError(
                    self.env._("Escalation levels are numbered from 1.")
                )
            if not 0 < level.threshold_percent <= 1000:
                raise ValidationError(
                    self.env._(
                        "The threshold of escalation level %s is a share of the "
                        "target between 1 and 1000 %%.",
                        level.name,
                    )
                )

    def _users_to_notify(self, company):
        """The level's users and its group's users working for ``company``."""
        self.ensure_one()
        # sudo: the group's members, whoever escalates.
        users = (self.user_ids | self.sudo().group_id.users).filtered(
            lambda user: user.active and not user.share and company in user.company_ids
        )
        return users
