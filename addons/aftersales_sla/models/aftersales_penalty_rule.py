from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .aftersales_contract import MONEY_READERS
from .aftersales_sla_target import METRICS, PRIORITIES

RULE_TYPES = [
    ("fixed", "Fixed amount per breach"),
    ("per_hour", "Amount per started business hour late"),
    ("percent_value", "% of contract value per breach"),
    ("percent_period_fee", "% of the period fee when a KPI misses its threshold"),
    ("manual", "Manual"),
]


class AftersalesPenaltyRule(models.Model):
    """A liquidated-damages clause of a contract: what a breach costs."""

    _name = "aftersales.penalty.rule"
    _inherit = ["aftersales.contract.line.mixin"]
    _description = "After-Sales Penalty Rule"
    _order = "contract_id, sequence, id"

    contract_id = fields.Many2one(
        "aftersales.contract", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Clause", required=True)
    rule_type = fields.Selection(RULE_TYPES, required=True, default="fixed")
    amount = fields.Monetary(
        help="Fixed: per breach. Per hour: per started business hour late.",
        groups=MONEY_READERS,
    )
    percent = fields.Float(
        string="Percentage",
        help="Of the contract value per breach, or of the period fee for a KPI.",
        groups=MONEY_READERS,
    )
    max_per_ticket = fields.Monetary(
        string="Maximum per Ticket",
        help="Per-hour rules: at most this per clock.",
        groups=MONEY_READERS,
    )
    metric = fields.Selection(
        METRICS, help="Only breaches of this metric (empty: all)."
    )
    priority = fields.Selection(PRIORITIES, help="Only tickets of this priority.")
    service_type_id = fields.Many2one(
        "aftersales.service.type", ondelete="restrict", help="Only this service type."
    )
    kpi = fields.Char(
        string="KPI", help="For KPI rules: the indicator code (used by evaluations)."
    )
    direction = fields.Selection(
        [
            ("payable", "Payable to the customer"),
            ("receivable", "Receivable from the service partner"),
        ],
        compute="_compute_direction",
        store=True,
    )
    active = fields.Boolean(default=True)
    date_from = fields.Datetime(
        string="Applies From",
        readonly=True,
        copy=False,
        help="Set by an amendment: tickets reported from this moment on get this "
        "clause (empty: from the start of the contract).",
    )
    date_to = fields.Datetime(
        string="Applies Until",
        readonly=True,
        copy=False,
        help="Set by an amendment that replaced or removed this clause: tickets "
        "reported before this moment keep it.",
    )

    @api.depends("contract_id.contract_type")
    def _compute_direction(self):
        for rule in self:
            partner_contract = rule.contract_id.contract_type == "partner"
            rule.direction = "receivable" if partner_contract else "payable"

    @api.constrains("rule_type", "amount", "percent", "max_per_ticket")
    def _check_values(self):
        for rule in self:
            if rule.amount < 0 or rule.max_per_ticket < 0:
                raise ValidationError(
                    self.env._("A penalty amount cannot be negative.")
                )
            if not 0 <= rule.percent <= 100:
                raise ValidationError(
                    self.env._("A penalty percentage is between 0 and 100.")
                )
            if rule.rule_type in ("fixed", "per_hour") and not rule.amount:
                raise ValidationError(
                    self.env._("Penalty clause %s needs an amount.", rule.name)
                )
            if (
                rule.rule_type in ("percent_value", "percent_period_fee")
                and not rule.percent
            ):
                raise ValidationError(
                    self.env._("Penalty clause %s needs a percentage.", rule.name)
                )

    def _applies_to(self, line):
        """Whether this rule covers the breach of SLA line ``line``."""
        self.ensure_one()
        ticket = line.ticket_id
        return (
            self.rule_type in ("fixed", "per_hour", "percent_value")
            and (not self.metric or self.metric == line.metric)
            and (not self.priority or self.priority == ticket.priority)
            and (
                not self.service_type_id
                or self.service_type_id == ticket.service_type_id
            )
        )

    def _compute_amount(self, line):
        """The amount this rule asks for the breach of ``line``, before caps."""
        self.ensure_one()
        if self.rule_type == "fixed":
            return self.amount
        if self.rule_type == "percent_value":
            return self.contract_id.amount_value * self.percent / 100.0
        if self.rule_type == "per_hour":
            return self._per_hour_amount(line.lateness_seconds)
        return 0.0

    def _per_hour_amount(self, lateness_seconds):
        """A per-hour clause on a lateness: per started hour, capped per ticket."""
        self.ensure_one()
        started_hours = -(-int(lateness_seconds) // 3600)  # ceiling
        amount = started_hours * self.amount
        return min(amount, self.max_per_ticket) if self.max_per_ticket else amount
