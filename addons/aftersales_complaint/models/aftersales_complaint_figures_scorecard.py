from odoo import api, fields, models


class AftersalesScorecard(models.Model):
    """A technician's or team's scorecard counts the complaints against them:
    the complaints naming the technician (or a member of the team), or about a
    ticket the technician (or team) worked."""

    _inherit = "aftersales.scorecard"

    complaint_count = fields.Integer(
        string="Complaints Against",
        compute="_compute_complaint_count",
        store=True,
        help="Complaints reported in the period against the technician or team: "
        "naming the technician (a team member), or about a ticket they worked.",
    )

    @api.depends("kpi_line_ids.value", "kpi_line_ids.has_value")
    def _compute_complaint_count(self):
        for card in self:
            card.complaint_count = int(card._kpi_figures().get("complaint_count") or 0)

    def _kpi_codes(self):
        codes = list(super()._kpi_codes())
        if "complaint_count" not in codes:
            codes.append("complaint_count")
        return codes

    def _kpi_complaint_domain(self):
        company = [("company_id", "=", self.company_id.id)]
        if self.subject_type == "technician":
            return company + [
                "|",
                ("complaint_user_id", "=", self.user_id.id),
                ("complaint_ticket_id.user_id", "=", self.user_id.id),
            ]
        return company + [
            "|",
            ("complaint_user_id", "in", self.team_id.member_ids.ids),
            ("complaint_ticket_id.team_id", "=", self.team_id.id),
        ]
