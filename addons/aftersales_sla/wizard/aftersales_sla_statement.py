from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AftersalesSlaStatement(models.TransientModel):
    """An SLA statement of a contract for a period, on screen: breaches, penalties,
    totals against the caps, open disputes."""

    _name = "aftersales.sla.statement"
    _description = "After-Sales SLA Statement"

    def _default_date_from(self):
        return fields.Date.today().replace(day=1) - relativedelta(months=1)

    def _default_date_to(self):
        return fields.Date.today().replace(day=1) - relativedelta(days=1)

    contract_id = fields.Many2one("aftersales.contract", required=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    date_from = fields.Date(
        required=True, default=lambda self: self._default_date_from()
    )
    date_to = fields.Date(required=True, default=lambda self: self._default_date_to())
    penalty_ids = fields.Many2many("aftersales.penalty", compute="_compute_statement")
    breach_count = fields.Integer(compute="_compute_statement", string="Breaches")
    ticket_count = fields.Integer(
        compute="_compute_statement", string="Tickets Reported"
    )
    amount_assessed = fields.Monetary(compute="_compute_statement", string="Assessed")
    amount_confirmed = fields.Monetary(compute="_compute_statement", string="Confirmed")
    amount_invoiced = fields.Monetary(compute="_compute_statement", string="Invoiced")
    amount_waived = fields.Monetary(compute="_compute_statement", string="Waived")
    amount_disputed = fields.Monetary(compute="_compute_statement", string="Disputed")
    amount_clipped = fields.Monetary(
        compute="_compute_statement", string="Clipped by Caps"
    )
    cap_total = fields.Monetary(
        related="contract_id.penalty_total", string="Used over the Term"
    )
    cap_left = fields.Monetary(
        related="contract_id.penalty_cap_left", string="Cap Left"
    )

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for statement in self:
            if statement.date_from > statement.date_to:
                raise ValidationError(
                    self.env._("A statement period cannot end before it starts.")
                )

    @api.depends("contract_id", "date_from", "date_to")
    def _compute_statement(self):
        Penalty = self.env["aftersales.penalty"]
        for statement in self:
            if not (
                statement.contract_id and statement.date_from and statement.date_to
            ):
                statement.update(
                    {
                        "penalty_ids": False,
                        "breach_count": 0,
                        "ticket_count": 0,
                        "amount_assessed": 0.0,
                        "amount_confirmed": 0.0,
                        "amount_invoiced": 0.0,
                        "amount_waived": 0.0,
                        "amount_disputed": 0.0,
                        "amount_clipped": 0.0,
                    }
                )
                continue
            data = Penalty._statement(
                statement.contract_id, statement.date_from, statement.date_to
            )
            totals = data["totals"]
            statement.penalty_ids = data["penalties"]
            statement.breach_count = len(data["breaches"])
            statement.ticket_count = self.env["aftersales.ticket"].search_count(
                [
                    ("contract_id", "=", statement.contract_id.id),
                    (
                        "reported_at",
                        ">=",
                        fields.Datetime.to_datetime(statement.date_from),
                    ),
                    (
                        "reported_at",
                        "<",
                        fields.Datetime.to_datetime(statement.date_to)
                        + relativedelta(days=1),
                    ),
                ]
            )
            statement.amount_assessed = sum(totals.values())
            statement.amount_confirmed = totals.get("confirmed", 0.0)
            statement.amount_invoiced = totals.get("invoiced", 0.0)
            statement.amount_waived = totals.get("waived", 0.0)
            statement.amount_disputed = totals.get("disputed", 0.0)
            statement.amount_clipped = data["clipped"]
