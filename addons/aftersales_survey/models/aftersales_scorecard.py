from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from odoo.addons.aftersales_sla.tools.local_time import local_days_to_utc

from ..tools import evaluation as kpis
from .aftersales_kpi_mixin import in_period


class AftersalesScorecard(models.Model):
    """A technician's or a team's KPIs over a period, for the service
    organisation's own appraisal (no thresholds, no penalties)."""

    _name = "aftersales.scorecard"
    _inherit = ["aftersales.kpi.mixin"]
    _description = "After-Sales Scorecard"
    _order = "date_from desc, subject_type, id"
    _kpi_optional_figures = {"satisfaction_index": "has_satisfaction_index"}

    name = fields.Char(compute="_compute_name", store=True)
    subject_type = fields.Selection(
        [("technician", "Technician"), ("team", "Team")], required=True, index=True
    )
    user_id = fields.Many2one(
        "res.users", string="Technician", index="btree_not_null", ondelete="cascade"
    )
    team_id = fields.Many2one(
        "aftersales.team", index="btree_not_null", ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    kpi_line_ids = fields.One2many(
        "aftersales.kpi.line", "scorecard_id", string="KPIs", readonly=True
    )
    workload = fields.Integer(compute="_compute_headline", store=True)
    satisfaction_index = fields.Float(
        compute="_compute_headline", store=True, digits=(16, 2), aggregator="avg"
    )
    has_satisfaction_index = fields.Boolean(
        compute="_compute_headline",
        store=True,
        help="A survey about the subject's tickets was answered in the period.",
    )
    satisfaction_display = fields.Char(
        string="Satisfaction",
        compute="_compute_satisfaction_display",
        help="The satisfaction index, or that no survey was answered yet.",
    )
    first_time_fix_rate = fields.Float(
        compute="_compute_headline", store=True, digits=(16, 2), aggregator="avg"
    )

    _sql_constraints = [
        (
            "subject_period_unique",
            "UNIQUE(company_id, subject_type, user_id, team_id, date_from, date_to)",
            "One scorecard per technician or team and period.",
        ),
    ]

    @api.depends("subject_type", "user_id.name", "team_id.name", "period_label")
    def _compute_name(self):
        for card in self:
            subject = (
                card.user_id if card.subject_type == "technician" else card.team_id
            )
            card.name = f"{subject.name or ''} {card.period_label or ''}".strip()

    @api.depends("kpi_line_ids.value", "kpi_line_ids.has_value")
    def _compute_headline(self):
        for card in self:
            figures = card._kpi_figures()
            card.workload = int(figures.get("workload") or 0)
            index = figures.get("satisfaction_index")
            card.satisfaction_index = index or 0.0
            card.has_satisfaction_index = index is not None
            card.first_time_fix_rate = figures.get("first_time_fix_rate") or 0.0

    @api.depends("satisfaction_index", "has_satisfaction_index")
    def _compute_satisfaction_display(self):
        no_answer = self.env._("no answer yet")
        for card in self:
            card.satisfaction_display = (
                f"{card.satisfaction_index:.2f}"
                if card.has_satisfaction_index
                else no_answer
            )

    @api.constrains("subject_type", "user_id", "team_id")
    def _check_subject(self):
        for card in self:
            if (card.subject_type == "technician") != bool(card.user_id) or (
                card.subject_type == "team"
            ) != bool(card.team_id):
                raise ValidationError(
                    self.env._(
                        "A scorecard is about one technician or one team, not both."
                    )
                )

    # KPI mixin hooks ----------------------------------------------------

    def _kpi_ticket_domain(self):
        domain = [("company_id", "=", self.company_id.id)]
        if self.subject_type == "technician":
            return domain + [("user_id", "=", self.user_id.id)]
        return domain + [("team_id", "=", self.team_id.id)]

    def _kpi_input_domain(self):
        # Periodic surveys are about the contract, not a technician's work.
        return [("aftersales_ticket_id", "any", self._kpi_ticket_domain())]

    def _kpi_codes(self):
        return kpis.SCORECARD_KPIS

    def _previous_figures(self):
        self.ensure_one()
        start, end = kpis.previous_period(self.period_type, self.date_from)
        previous = self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("subject_type", "=", self.subject_type),
                ("user_id", "=", self.user_id.id),
                ("team_id", "=", self.team_id.id),
                ("date_from", "=", start),
                ("date_to", "=", end),
            ],
            limit=1,
        )
        return previous._kpi_figures() if previous else {}

    # Generation ---------------------------------------------------------

    @api.model
    def _generate(self, period_type, day, company=None):
        """Create or refresh the scorecards of every technician and team that had
        tickets in the period containing ``day``.

        :return: the scorecards, technicians first.
        """
        if not self.env.su and not self.env.user.has_group(
            "aftersales_sla.group_aftersales_manager"
        ):
            raise AccessError(
                self.env._("Only After-Sales managers compute scorecards.")
            )
        company = company or self.env.company
        start, end = kpis.period_bounds(period_type, day)
        utc_start, utc_end = local_days_to_utc(self._kpi_timezone(), start, end)
        # sudo: the figures read tickets across teams
        active = (
            self.env["aftersales.ticket"]
            .sudo()
            .search(
                [("company_id", "=", company.id), "|", "|"]
                + in_period("reported_at", utc_start, utc_end)
                + in_period("resolved_at", utc_start, utc_end)
                + in_period("closed_at", utc_start, utc_end)
            )
        )
        subjects = [("technician", user) for user in active.user_id] + [
            ("team", team) for team in active.team_id
        ]
        cards = self.browse()
        for subject_type, subject in subjects:
            key = {
                "company_id": company.id,
                "subject_type": subject_type,
                "user_id": subject.id if subject_type == "technician" else False,
                "team_id": subject.id if subject_type == "team" else False,
                "period_type": period_type,
                "date_from": start,
                "date_to": end,
            }
            # sudo: scorecards are the system's: no user creates them
            card = self.sudo().search(
                [(name, "=", value) for name, value in key.items()], limit=1
            ) or self.sudo().create(key)
            cards |= card
        # sudo: cards may hold the caller's environment (union with an empty set)
        cards.sudo()._compute_figures()
        return cards.with_env(self.env)

    _kpi_line_field = "scorecard_id"

    @api.model
    def _cron_scorecards(self):
        """Refresh this period's scorecards, and the previous period's on the
        first days of a period (late closes and answers still count)."""
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].search([]):
            for period_type in ("month", "quarter"):
                self._generate(period_type, today, company)
                start, _end = kpis.period_bounds(period_type, today)
                if (today - start).days < 7:
                    previous, _end = kpis.previous_period(period_type, start)
                    self._generate(period_type, previous, company)
