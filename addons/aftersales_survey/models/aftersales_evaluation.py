import json
import logging

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_round

from ..tools import evaluation as kpis

_logger = logging.getLogger(__name__)


class AftersalesEvaluation(models.Model):
    """A contract's KPIs over a month, quarter or half-year, judged against the
    contract's thresholds and the previous period. Closing it appends its snapshot
    to the ledger and applies the contract's KPI clauses."""

    _name = "aftersales.evaluation"
    _inherit = ["aftersales.kpi.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "After-Sales Contract Evaluation"
    _order = "date_from desc, contract_id, id"
    _kpi_optional_figures = {"satisfaction_index": "has_satisfaction_index"}
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    contract_id = fields.Many2one(
        "aftersales.contract",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, index=True
    )
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    state = fields.Selection(
        [("draft", "Draft"), ("closed", "Closed")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    kpi_line_ids = fields.One2many(
        "aftersales.kpi.line", "evaluation_id", string="KPIs", readonly=True
    )
    failed_count = fields.Integer(
        string="KPIs Failed", compute="_compute_results", store=True
    )
    passed_count = fields.Integer(
        string="KPIs Passed", compute="_compute_results", store=True
    )
    satisfaction_index = fields.Float(
        compute="_compute_results", store=True, digits=(16, 2), aggregator="avg"
    )
    has_satisfaction_index = fields.Boolean(
        compute="_compute_results", store=True, help="A survey was answered."
    )
    findings = fields.Text(
        help="What the figures show. Filled from the figures at first computation; "
        "edit before closing."
    )
    recommendations = fields.Text(help="What should improve, and how.")
    closed_at = fields.Datetime(readonly=True, copy=False)
    closed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    event_id = fields.Many2one(
        "aftersales.event",
        string="Ledger Snapshot",
        readonly=True,
        copy=False,
        help="The evaluation.closed event that holds the figures as closed.",
    )
    penalty_ids = fields.One2many(
        "aftersales.penalty", "evaluation_id", string="KPI Penalties", readonly=True
    )
    penalty_total = fields.Monetary(compute="_compute_penalty_total")

    _sql_constraints = [
        (
            "period_unique",
            "UNIQUE(contract_id, date_from, date_to)",
            "A contract is evaluated once per period.",
        ),
    ]

    @api.depends("contract_id.name", "period_label")
    def _compute_name(self):
        for evaluation in self:
            evaluation.name = (
                f"{evaluation.contract_id.name or ''} {evaluation.period_label or ''}"
            ).strip()

    @api.depends("kpi_line_ids.result", "kpi_line_ids.value")
    def _compute_results(self):
        for evaluation in self:
            lines = evaluation.kpi_line_ids
            evaluation.failed_count = len(
                lines.filtered(lambda line: line.result == "fail")
            )
            evaluation.passed_count = len(
                lines.filtered(lambda line: line.result == "pass")
            )
            index = lines.filtered(
                lambda line: line.kpi == "satisfaction_index" and line.has_value
            )
            evaluation.satisfaction_index = index.value if index else 0.0
            evaluation.has_satisfaction_index = bool(index)

    def _compute_penalty_total(self):
        for evaluation in self:
            evaluation.penalty_total = sum(
                evaluation.penalty_ids.filtered(lambda p: p.state != "waived").mapped(
                    "amount"
                )
            )

    # ------------------------------------------------------------------
    # KPI mixin hooks
    # ------------------------------------------------------------------

    def _kpi_timezone(self):
        tz = self.contract_id.calendar_id.tz or self.company_id.partner_id.tz
        try:
            return pytz.timezone(tz or "UTC")
        except pytz.UnknownTimeZoneError:
            return pytz.utc

    def _kpi_ticket_domain(self):
        contract = self.contract_id
        if contract.contract_type == "partner":
            # A service partner is judged on the tickets it served under the
            # customer contract it backs, not on the whole customer contract.
            return [
                ("contract_id", "in", contract.parent_id.ids),
                (
                    "service_partner_id.commercial_partner_id",
                    "=",
                    contract.partner_id.commercial_partner_id.id,
                ),
            ]
        return [("contract_id", "=", contract.id)]

    def _kpi_input_domain(self):
        if self.contract_id.contract_type == "partner":
            # The customers' answers about the tickets the partner served.
            return [("aftersales_ticket_id", "any", self._kpi_ticket_domain())]
        return [("aftersales_contract_id", "=", self.contract_id.id)]

    def _kpi_codes(self):
        return kpis.EVALUATION_KPIS

    def _kpi_thresholds(self):
        # The thresholds in force when the period began: an amendment applies to
        # the periods that start after it.
        return self.contract_id._kpi_thresholds(self._utc_bounds()[0])

    def _previous(self):
        """The evaluation of the same contract for the period just before."""
        self.ensure_one()
        start, end = kpis.previous_period(self.period_type, self.date_from)
        return self.search(
            [
                ("contract_id", "=", self.contract_id.id),
                ("date_from", "=", start),
                ("date_to", "=", end),
            ],
            limit=1,
        )

    def _previous_figures(self):
        previous = self._previous()
        return previous._kpi_figures() if previous.computed_at else {}

    # ------------------------------------------------------------------
    # Computation and closing
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("date_from") and not vals.get("date_to"):
                # A whole period around the day given.
                vals["date_from"], vals["date_to"] = kpis.period_bounds(
                    vals.get("period_type") or "quarter",
                    fields.Date.to_date(vals["date_from"]),
                )
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed(self):
        self._check_draft()

    def _check_manager(self):
        if not self.env.user.has_group("aftersales_sla.group_aftersales_manager"):
            raise AccessError(
                self.env._("Only After-Sales managers compute and close evaluations.")
            )

    def _check_draft(self):
        closed = self.filtered(lambda e: e.state == "closed")
        if closed:
            raise UserError(
                self.env._(
                    "Evaluation %(evaluation)s is closed: its figures are in the "
                    "ledger and no longer change.",
                    evaluation=closed[0].name,
                )
            )

    def action_compute(self):
        """(Re)compute the figures of draft evaluations."""
        self._check_manager()
        self._check_draft()
        self._compute_figures()
        return True

    _kpi_line_field = "evaluation_id"

    def _compute_figures(self):
        result = super()._compute_figures()
        for evaluation in self.filtered(lambda e: not e.findings):
            evaluation.findings = evaluation._default_findings()
        return result

    def _default_findings(self):
        """One sentence per KPI under threshold or changed since the last period."""
        self.ensure_one()
        sentences = []
        for line in self.kpi_line_ids:
            label = dict(line._fields["kpi"]._description_selection(self.env))[line.kpi]
            if line.result == "fail":
                sentences.append(
                    self.env._(
                        "%(kpi)s: %(value)s, under the threshold %(threshold)s.",
                        kpi=label,
                        value=line.display_value,
                        threshold=line.display_threshold,
                    )
                )
            elif line.trend == "worse":
                sentences.append(
                    self.env._(
                        "%(kpi)s: %(value)s, worse than the previous period "
                        "(%(previous)s).",
                        kpi=label,
                        value=line.display_value,
                        previous=line.display_previous,
                    )
                )
        if not sentences:
            sentences.append(self.env._("Every KPI with a threshold was met."))
        return "\n".join(sentences)

    def action_close(self):
        """Close: final figures, ledger snapshot, KPI penalties and activities."""
        self._check_manager()
        self._check_draft()
        # One closer at a time per evaluation: the second one finds it closed.
        self.env.cr.execute(
            "SELECT id FROM aftersales_evaluation WHERE id = ANY(%s) FOR UPDATE",
            [self.ids],
        )
        self.invalidate_recordset(["state"])
        self._check_draft()
        self._compute_figures()
        now = fields.Datetime.now()
        for evaluation in self:
            event = self.env["aftersales.event"]._append_event(
                "evaluation.closed",
                subject=evaluation,
                payload=evaluation._snapshot(),
                company=evaluation.company_id,
            )
            evaluation.write(
                {
                    "state": "closed",
                    "closed_at": now,
                    "closed_by_id": self.env.user.id,
                    "event_id": event.id,
                }
            )
            evaluation._apply_kpi_clauses()
        return True

    def _snapshot(self):
        """The figures as they are closed, as JSON values (the ledger payload)."""
        self.ensure_one()
        contract = self.contract_id
        return {
            "contract": contract.name,
            "contract_id": contract.id,
            "evaluation_id": self.id,
            "period_type": self.period_type,
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
            "kpis": {
                line.kpi: {
                    "value": float_round(line.value, 2) if line.has_value else None,
                    "threshold": float_round(line.threshold, 2)
                    if line.has_threshold
                    else None,
                    "result": line.result,
                }
                for line in self.kpi_line_ids
            },
            "weights": {
                line.indicator_id.code: float_round(line.weight, 2)
                for line in contract.indicator_ids
            },
        }

    def _apply_kpi_clauses(self):
        """Each KPI under threshold gets an improvement activity and, where the
        contract has a clause for it, a penalty of a share of the period fee."""
        self.ensure_one()
        contract = self.contract_id
        labels = dict(
            self.env["aftersales.kpi.line"]
            ._fields["kpi"]
            ._description_selection(self.env)
        )
        failed = self.kpi_line_ids.filtered(lambda line: line.result == "fail")
        # The clauses in force when the period began, as for the thresholds.
        rules = contract._penalty_rules_at(self._utc_bounds()[0]).filtered(
            lambda r: r.rule_type == "percent_period_fee"
        )
        fee = kpis.period_fee(
            contract.amount_value,
            contract.date_start,
            contract.date_end,
            self.date_from,
            self.date_to,
        )
        Penalty = self.env["aftersales.penalty"]
        owner = contract.kpi_manager_id or self.env.user
        for line in failed:
            label = labels[line.kpi]
            self.activity_schedule(
                "aftersales_survey.mail_activity_kpi_improvement",
                summary=self.env._("Improve %(kpi)s", kpi=label),
                note=self.env._(
                    "%(kpi)s was %(value)s in %(period)s, threshold %(threshold)s.",
                    kpi=label,
                    value=line.display_value,
                    period=self.period_label,
                    threshold=line.display_threshold,
                ),
                user_id=owner.id,
            )
            for rule in rules.filtered(lambda r, kpi=line.kpi: r.kpi in (kpi, False)):
                amount = contract.currency_id.round(fee * rule.percent / 100.0)
                if contract.currency_id.is_zero(amount):
                    continue
                Penalty._assess_manual(
                    contract,
                    amount,
                    self.env._(
                        "%(clause)s: %(kpi)s %(value)s under %(threshold)s in "
                        "%(period)s (%(percent)s%% of the period fee %(fee)s).",
                        clause=rule.name,
                        kpi=label,
                        value=line.display_value,
                        threshold=line.display_threshold,
                        period=self.period_label,
                        percent=rule.percent,
                        fee=contract.currency_id.round(fee),
                    ),
                    vals={
                        "rule_id": rule.id,
                        "evaluation_id": self.id,
                        "kpi": line.kpi,
                    },
                    payload={
                        "manual": False,
                        "evaluation": self.id,
                        "kpi": line.kpi,
                        "rule": rule.id,
                    },
                )

    # ------------------------------------------------------------------
    # Report helpers
    # ------------------------------------------------------------------

    def _get_report_base_filename(self):
        """The printed evaluation's file name, in the reader's language; also
        the portal download's."""
        self.ensure_one()
        return self.env._("Evaluation - %s", self.name)

    def _report_history(self, count=4):
        """This evaluation and the computed ones of the same contract and period
        type before it, oldest first (at most ``count``)."""
        self.ensure_one()
        earlier = self.search(
            [
                ("contract_id", "=", self.contract_id.id),
                ("period_type", "=", self.period_type),
                ("date_from", "<=", self.date_from),
                ("computed_at", "!=", False),
            ],
            order="date_from desc",
            limit=count,
        )
        return earlier.sorted("date_from")

    def _report_indicator_scores(self):
        """{indicator id: (mean score, answers)} of the survey answers of the
        period."""
        self.ensure_one()
        start, end = self._utc_bounds()
        if self.contract_id.contract_type == "partner":
            subject = [("ticket_id", "any", self._kpi_ticket_domain())]
        else:
            subject = [("contract_id", "=", self.contract_id.id)]
        # sudo: survey scores are read for the figures, whoever evaluates
        groups = (
            self.env["aftersales.survey.score"]
            .sudo()
            ._read_group(
                subject
                + [
                    ("answered_at", ">=", start),
                    ("answered_at", "<", end),
                ],
                ["indicator_id"],
                ["score:avg", "__count"],
            )
        )
        return {indicator.id: (mean, count) for indicator, mean, count in groups}

    # ------------------------------------------------------------------
    # Verification against the ledger
    # ------------------------------------------------------------------

    def action_verify_snapshot(self):
        self.ensure_one()
        result = self._verify_snapshot()
        if result["ok"]:
            message = self.env._(
                "The figures of %(evaluation)s match their ledger snapshot, and the "
                "ledger is intact up to it.",
                evaluation=self.name,
            )
        else:
            message = self.env._(
                "Evaluation %(evaluation)s does not match the ledger: %(problems)s",
                evaluation=self.name,
                problems="; ".join(result["problems"]),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "success" if result["ok"] else "danger",
                "sticky": not result["ok"],
            },
        }

    def _verify_snapshot(self):
        """Compare the stored figures with the closed snapshot, and the snapshot
        event with the hash chain.

        :return: dict with ``ok`` and ``problems`` (translated texts).
        """
        self.ensure_one()
        problems = []
        # sudo: the snapshot event, for whoever checks the evaluation (not an auditor)
        event = self.event_id.sudo()
        if self.state != "closed" or not event:
            return {
                "ok": False,
                "problems": [self.env._("the evaluation is not closed")],
            }
        snapshot = json.loads(event.payload)
        current = self._snapshot()
        stored_kpis = snapshot.get("kpis", {})
        for code, figures in current["kpis"].items():
            if stored_kpis.get(code) != figures:
                problems.append(
                    self.env._(
                        "%(kpi)s is %(now)s here but %(then)s in the ledger",
                        kpi=code,
                        now=figures,
                        then=stored_kpis.get(code),
                    )
                )
        for key in ("contract_id", "evaluation_id", "date_from", "date_to"):
            if snapshot.get(key) != current[key]:
                problems.append(
                    self.env._("%(field)s differs from the ledger", field=key)
                )
        if not event.is_sealed:
            problems.append(self.env._("the snapshot event is not sealed yet"))
        else:
            # sudo: verification reads the whole chain, whoever checks the evaluation
            ledger = self.env["aftersales.event"].sudo().verify_ledger(event.chain_id)
            broken = ledger["broken"]
            if broken and (
                not broken["sequence"] or broken["sequence"] <= event.sequence
            ):
                problems.append(
                    self.env._(
                        "the ledger is broken at event %(sequence)s, before the "
                        "snapshot",
                        sequence=broken["sequence"],
                    )
                )
        return {"ok": not problems, "problems": problems}

    # ------------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------------

    @api.model
    def _cron_evaluate(self, batch_size=50):
        """Create and compute the evaluations of periods that ended, and refresh
        the running period's draft (for the at-risk dashboard).

        One batch of contracts per call; Odoo's cron loop commits between calls.
        A contract is done for the day when its current-period draft was computed
        today, so a run stopped half-way resumes where it stopped.
        """
        today = fields.Date.context_today(self)
        day_start = fields.Datetime.to_datetime(today)
        contracts = self.env["aftersales.contract"].search(
            [("state", "=", "active"), ("evaluation_period", "!=", False)]
        )
        todo = contracts.filtered(
            lambda c: not c.evaluation_ids.filtered(
                lambda e: e.date_from <= today <= e.date_to
                and e.computed_at
                and e.computed_at >= day_start
            )
        )
        batch, remaining = todo[:batch_size], max(0, len(todo) - batch_size)
        for contract in batch:
            self._evaluate_contract(contract, today)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        return {"done": batch, "remaining": remaining}

    @api.model
    def _evaluate_contract(self, contract, today):
        period_type = contract.evaluation_period
        existing = {(e.date_from, e.date_to): e for e in contract.evaluation_ids}
        same_kind = contract.evaluation_ids.filtered(
            lambda e: e.period_type == period_type
        )
        since = max(same_kind.mapped("date_from"), default=contract.date_start)
        todo = self.browse()
        periods = list(kpis.ended_periods(period_type, since, today))
        periods.append(kpis.period_bounds(period_type, today))
        for start, end in periods:
            evaluation = existing.get((start, end))
            if not evaluation:
                # sudo: evaluations are made by the system (cron and wizard)
                evaluation = self.sudo().create(
                    {
                        "contract_id": contract.id,
                        "period_type": period_type,
                        "date_from": start,
                        "date_to": end,
                    }
                )
            if evaluation.state == "draft":
                todo |= evaluation
        # Oldest first: each period's trend reads the one before.
        for evaluation in todo.sorted("date_from"):
            # sudo: the figures read tickets, clocks and answers across teams
            evaluation.sudo()._compute_figures()
        _logger.info(
            "After-sales evaluations: %s computed for %s", len(todo), contract.name
        )
        return todo
