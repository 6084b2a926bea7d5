from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import date_utils, float_compare, float_round
from odoo.tools.sql import index_exists

from ..tools import door, inputs
from ..tools.quiet_sql import quiet_sql

WAIVER_REASONS = [
    ("force_majeure", "Force majeure"),
    ("customer_misuse", "Customer misuse"),
    ("third_party", "Third party"),
    ("goodwill", "Goodwill"),
    ("other", "Other"),
]

#: Fields fixed at assessment: a penalty's amount is never edited afterwards;
#: adjustments are new penalties (reductions) or waivers.
FROZEN_FIELDS = {
    "contract_id",
    "ticket_id",
    "sla_line_id",
    "event_id",
    "rule_id",
    "partner_id",
    "direction",
    "currency_id",
    "amount",
    "amount_computed",
    "amount_clipped",
    "period_start",
    "parent_id",
}


PENALTY = "aftersales.penalty"


class AftersalesPenalty(models.Model):
    """Liquidated damages for a breach, assessed by the contract's rules within its
    caps. Every state change is a ledger event."""

    _name = "aftersales.penalty"
    _description = "After-Sales Penalty"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "assessed_at desc, id desc"

    name = fields.Char(readonly=True, copy=False, default="/", index=True)
    contract_id = fields.Many2one(
        "aftersales.contract",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    ticket_id = fields.Many2one(
        "aftersales.ticket", readonly=True, index=True, ondelete="restrict"
    )
    sla_line_id = fields.Many2one(
        "aftersales.ticket.sla",
        string="SLA",
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    metric = fields.Selection(
        related="sla_line_id.metric",
        string="Promise",
        help="The service level whose breach the penalty is for.",
    )
    event_id = fields.Many2one(
        "aftersales.event",
        string="Cause",
        readonly=True,
        ondelete="restrict",
        help="The ledger event that caused the penalty (the breach).",
    )
    rule_id = fields.Many2one(
        "aftersales.penalty.rule", string="Clause", readonly=True, ondelete="restrict"
    )
    partner_id = fields.Many2one(
        "res.partner",
        required=True,
        readonly=True,
        index=True,
        help="Whom the penalty is settled with: the customer (payable) or the service "
        "partner (receivable).",
    )
    direction = fields.Selection(
        [("payable", "Payable"), ("receivable", "Receivable")],
        required=True,
        readonly=True,
        index=True,
    )
    amount = fields.Monetary(readonly=True, tracking=True, aggregator="sum")
    amount_computed = fields.Monetary(
        string="Before Caps", readonly=True, help="What the clause asked before caps."
    )
    amount_clipped = fields.Monetary(
        string="Clipped by Caps", readonly=True, aggregator="sum"
    )
    period_start = fields.Date(readonly=True, help="Start of the cap period.")
    assessed_at = fields.Datetime(readonly=True, index=True)
    state = fields.Selection(
        [
            ("assessed", "Assessed"),
            ("confirmed", "Confirmed"),
            ("disputed", "Disputed"),
            ("invoiced", "Invoiced"),
            ("waived", "Waived"),
        ],
        default="assessed",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    waiver_reason = fields.Selection(WAIVER_REASONS, readonly=True, tracking=True)
    waiver_note = fields.Text(readonly=True)
    dispute_reason = fields.Text(readonly=True)
    mediator_opinion = fields.Text(readonly=True)
    parent_id = fields.Many2one(
        "aftersales.penalty",
        string="Adjusts",
        readonly=True,
        index=True,
        ondelete="restrict",
        help="The penalty this one reduces.",
    )
    adjustment_ids = fields.One2many(
        "aftersales.penalty", "parent_id", string="Adjustments"
    )
    move_line_id = fields.Many2one(
        "account.move.line", readonly=True, copy=False, index="btree_not_null"
    )
    move_id = fields.Many2one(related="move_line_id.move_id", string="Settled By")
    note = fields.Text(readonly=True)

    _sql_constraints = [
        (
            "amounts_consistent",
            "CHECK(amount_clipped >= 0)",
            "A clipped amount cannot be negative.",
        ),
    ]

    def init(self):
        # One penalty per clause and breach: the database makes a second
        # assessment (a retried or concurrent run) impossible.
        if not index_exists(self.env.cr, "aftersales_penalty_once_per_breach"):
            self.env.cr.execute(
                """CREATE UNIQUE INDEX aftersales_penalty_once_per_breach
                       ON aftersales_penalty (sla_line_id, rule_id)
                    WHERE sla_line_id IS NOT NULL AND rule_id IS NOT NULL
                      AND parent_id IS NULL"""
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model
    def _door_fields(self):
        """Every field of a penalty is evidence: only the penalty engine and the
        penalty's actions write them (the one door). Mail and activity fields stay
        free."""
        return {
            name
            for name, field in self._fields.items()
            if (field._module or "").startswith("aftersales_") and field.store
        }

    @api.model_create_multi
    def create(self, vals_list):
        if not door.is_open(PENALTY):
            raise UserError(
                self.env._(
                    "Penalties are assessed by the service ledger's penalty engine "
                    "(a breach, or a manual penalty from the contract): they cannot "
                    "be created directly."
                )
            )
        for vals in vals_list:
            if vals.get("amount", 0) < 0 and not vals.get("parent_id"):
                raise ValidationError(
                    self.env._("A penalty amount cannot be negative.")
                )
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("aftersales.penalty") or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        if not door.is_open(PENALTY):
            guarded = self._door_fields().intersection(vals)
            if guarded:
                door.refuse(
                    self,
                    guarded,
                    hint=self.env._(
                        "A penalty's amount and origin never change after "
                        "assessment: reduce it (a new adjusting penalty) or waive it."
                    ),
                )
        elif FROZEN_FIELDS.intersection(vals):
            raise UserError(
                self.env._(
                    "A penalty's amount and origin never change after assessment: "
                    "reduce it (a new adjusting penalty) or waive it."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_recorded(self):
        raise UserError(
            self.env._("Penalties are evidence: waive them instead of deleting them.")
        )

    # ------------------------------------------------------------------
    # Ledger
    # ------------------------------------------------------------------

    def _append(self, event_type, payload=None, reason=None):
        entries = []
        for penalty in self:
            data = {
                "penalty": penalty.name,
                "contract": penalty.contract_id.id,
                "ticket": penalty.ticket_id.id or None,
                "amount": float_round(penalty.amount, precision_digits=6),
                "currency": penalty.currency_id.name,
                "direction": penalty.direction,
                "state": penalty.state,
            }
            data.update(payload(penalty) if callable(payload) else payload or {})
            entries.append(
                {
                    "event_type": event_type,
                    "subject": penalty,
                    "company": penalty.company_id,
                    "payload": data,
                    "reason": reason,
                }
            )
        return self.env["aftersales.event"]._append_events(entries)

    # ------------------------------------------------------------------
    # Assessment
    # ------------------------------------------------------------------

    @api.model
    def _lock_contracts(self, contracts):
        """Serialise assessments per contract (caps hold under concurrency): wait for
        other assessors, and fail on a stale snapshot rather than exceed a cap."""
        self.env.flush_all()
        # A stale snapshot raises SerializationFailure here, on purpose: the caller
        # (Odoo's RPC retry, the cron's next batch) starts again; not a bad query.
        with quiet_sql():
            self.env.cr.execute(
                "SELECT id FROM aftersales_contract WHERE id = ANY(%s) "
                "FOR NO KEY UPDATE",
                [contracts.ids],
            )

    @api.model
    def _caps(self, contract):
        """(term cap, period cap) of a contract; None where there is none. A cap
        whose flag is on applies whatever its value: 0 is a cap of zero."""
        value = contract.amount_value

        def cap(amount, percent, has_amount, has_percent):
            caps = []
            if has_amount:
                caps.append(amount or 0.0)
            if has_percent:
                caps.append(value * (percent or 0.0) / 100.0)
            return min(caps) if caps else None

        return (
            cap(
                contract.penalty_cap_amount,
                contract.penalty_cap_percent,
                contract.has_penalty_cap_amount,
                contract.has_penalty_cap_percent,
            ),
            cap(
                contract.penalty_period_cap_amount,
                contract.penalty_period_cap_percent,
                contract.has_penalty_period_cap_amount,
                contract.has_penalty_period_cap_percent,
            ),
        )

    def _used(self, contract, period_start):
        """Penalties assessed (not waived) on a contract: (over the term, in the
        period starting at ``period_start``). A penalty counts in the period its
        own period starts in, so the usage stays right when an amendment changes
        the cap period (a month's penalties count in their quarter)."""
        self.env.flush_all()
        start, end = self._period_bounds(contract, period_start)
        self.env.cr.execute(
            """SELECT coalesce(sum(amount), 0),
                      coalesce(sum(amount) FILTER (
                          WHERE period_start BETWEEN %s AND %s), 0)
                 FROM aftersales_penalty
                WHERE contract_id = %s AND state != 'waived'""",
            [start, end, contract.id],
        )
        return self.env.cr.fetchone()

    def _cap_left(self, contract, period_start, used=None):
        """How much a contract may still be assessed: (term left, period left).

        ``used`` (a dict kept by the caller across one batch) saves a query per
        penalty: the totals are read once per contract and period, then kept
        up to date in memory.
        """
        contract.ensure_one()
        term_cap, period_cap = self._caps(contract)
        if term_cap is None and period_cap is None:
            return float("inf"), float("inf")
        used = {} if used is None else used
        key = (contract.id, period_start)
        if key not in used:
            term, period = self._used(contract, period_start)
            used[key] = period
            used.setdefault(contract.id, term)
        term_left = (
            term_cap - used[contract.id] if term_cap is not None else float("inf")
        )
        period_left = period_cap - used[key] if period_cap is not None else float("inf")
        return max(0.0, term_left), max(0.0, period_left)

    @api.model
    def _period_start(self, contract, when):
        day = fields.Date.to_date(when) if when else fields.Date.today()
        return date_utils.start_of(day, contract.penalty_period or "month")

    @api.model
    def _period_bounds(self, contract, when):
        """(first day, last day) of the contract's cap period containing ``when``."""
        start = self._period_start(contract, when)
        return start, date_utils.end_of(start, contract.penalty_period or "month")

    @api.model
    def _contracts_for(self, ticket):
        """The contracts a ticket's breach is assessed under: its customer contract
        and, when a service partner served it, that partner's back-to-back
        contract."""
        contracts = ticket.contract_id
        if ticket.service_partner_id and ticket.contract_id:
            backing = ticket.contract_id.back_to_back_ids.filtered(
                lambda c: c.state == "active"
                and c.partner_id.commercial_partner_id
                == ticket.service_partner_id.commercial_partner_id
            )
            contracts |= backing[:1]
        return contracts

    @api.model
    @door.opens(PENALTY)
    def _assess_lines(self, lines, final_only=False):
        """Assess the penalties of breached SLA lines by their contracts' rules.

        Fixed and percentage clauses are assessed at the breach; per-hour clauses
        when the milestone is reached (until then their amount accrues on the line).
        Idempotent: a clause is assessed once per breach (unique index).
        """
        lines = lines.filtered(lambda line: line.state == "breached")
        if not lines:
            return self.browse()
        contracts = self.env["aftersales.contract"]
        plan = []
        for line in lines:
            for contract in self._contracts_for(line.ticket_id):
                # The clauses in force when the ticket was reported (amendments
                # apply to tickets reported after them).
                rules = contract._penalty_rules_at(line.ticket_id.reported_at).filtered(
                    lambda rule, line=line: rule._applies_to(line)
                )
                for rule in rules:
                    if rule.rule_type == "per_hour" and not line.met_at:
                        continue
                    if final_only and rule.rule_type != "per_hour":
                        continue
                    plan.append((line, contract, rule))
                    contracts |= contract
        if not plan:
            return self.browse()
        self._lock_contracts(contracts)
        existing = {
            (penalty.sla_line_id.id, penalty.rule_id.id)
            for penalty in self.search(
                [("sla_line_id", "in", lines.ids), ("parent_id", "=", False)]
            )
        }
        created = self.browse()
        used = {}
        for line, contract, rule in plan:
            if (line.id, rule.id) in existing:
                continue
            computed = contract.currency_id.round(rule._compute_amount(line))
            period_start = self._period_start(contract, line.breached_at)
            term_left, period_left = self._cap_left(contract, period_start, used)
            amount = contract.currency_id.round(min(computed, term_left, period_left))
            if contract.id in used:
                used[contract.id] += amount
                used[(contract.id, period_start)] += amount
            # Owed to (or by) the other party of the contract, never to whoever the
            # ticket's customer was corrected to later.
            partner = (
                contract.partner_id
                if contract.contract_type == "partner"
                else contract.partner_id.commercial_partner_id
            )
            penalty = self.create(
                {
                    "contract_id": contract.id,
                    "currency_id": contract.currency_id.id,
                    "ticket_id": line.ticket_id.id,
                    "sla_line_id": line.id,
                    "event_id": line.breach_event_id.id,
                    "rule_id": rule.id,
                    "partner_id": partner.id,
                    "direction": rule.direction,
                    "amount": amount,
                    "amount_computed": computed,
                    "amount_clipped": max(0.0, computed - amount),
                    "period_start": period_start,
                    "assessed_at": fields.Datetime.now(),
                }
            )
            existing.add((line.id, rule.id))
            created |= penalty
        if created:
            created._append(
                "penalty.assessed",
                lambda p: {
                    "rule": p.rule_id.id,
                    "rule_type": p.rule_id.rule_type,
                    "line": p.sla_line_id.id,
                    "metric": p.sla_line_id.metric,
                    "before_caps": float_round(p.amount_computed, precision_digits=6),
                    "clipped": float_round(p.amount_clipped, precision_digits=6),
                    "breach_event": p.event_id.id or None,
                },
            )
            # Moving the contracts' totals makes a concurrent assessor with an older
            # snapshot fail on the contract lock instead of overrunning the caps.
            contracts._compute_penalty_totals()
        return created

    @api.model
    @door.opens(PENALTY)
    def _assess_manual(
        self,
        contract,
        amount,
        reason,
        ticket=None,
        partner=None,
        vals=None,
        payload=None,
    ):
        """A manual penalty (manager): same caps, same events.

        Also the way other clauses assess an amount decided elsewhere (KPI clauses
        of evaluations): ``vals`` adds field values to the penalty and ``payload``
        to its ``penalty.assessed`` event.
        """
        if not self.env.user.has_group("aftersales_sla.group_aftersales_manager"):
            raise AccessError(self.env._("Only After-Sales managers assess penalties."))
        if float_compare(amount, 0, precision_digits=6) <= 0:
            raise ValidationError(self.env._("A penalty amount must be positive."))
        if not reason:
            raise ValidationError(self.env._("A manual penalty needs a reason."))
        self._lock_contracts(contract)
        period_start = self._period_start(contract, fields.Datetime.now())
        term_left, period_left = self._cap_left(contract, period_start)
        capped = contract.currency_id.round(min(amount, term_left, period_left))
        # sudo: penalties are assessed by the engine: no user has the create right
        penalty = self.sudo().create(
            {
                "contract_id": contract.id,
                "currency_id": contract.currency_id.id,
                "ticket_id": ticket.id if ticket else False,
                "partner_id": (partner or contract.partner_id.commercial_partner_id).id,
                "direction": "receivable"
                if contract.contract_type == "partner"
                else "payable",
                "amount": capped,
                "amount_computed": amount,
                "amount_clipped": max(0.0, amount - capped),
                "period_start": period_start,
                "assessed_at": fields.Datetime.now(),
                "note": reason,
                **(vals or {}),
            }
        )
        penalty._append(
            "penalty.assessed", dict({"manual": True}, **(payload or {})), reason=reason
        )
        contract._compute_penalty_totals()
        return penalty.with_env(self.env)

    # ------------------------------------------------------------------
    # Transitions
    # ------------------------------------------------------------------

    def _check_manager(self):
        if not self.env.user.has_group("aftersales_sla.group_aftersales_manager"):
            raise AccessError(
                self.env._(
                    "Only After-Sales managers confirm, waive or settle disputes."
                )
            )

    def _check_state(self, allowed, action):
        """Refuse the whole batch when any penalty is not in an ``allowed`` state,
        naming every such penalty (nothing is changed)."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        wrong = self.filtered(lambda p: p.state not in allowed)
        if len(wrong) == 1:
            raise UserError(
                self.env._(
                    "Penalty %(penalty)s is %(state)s: it cannot be %(action)s.",
                    penalty=wrong.name,
                    state=labels[wrong.state],
                    action=action,
                )
            )
        if wrong:
            raise UserError(
                self.env._(
                    "These penalties cannot be %(action)s, nothing was changed: "
                    "%(penalties)s.",
                    action=action,
                    penalties=", ".join(
                        self.env._(
                            "%(penalty)s (%(state)s)",
                            penalty=p.name,
                            state=labels[p.state],
                        )
                        for p in wrong
                    ),
                )
            )

    @door.opens(PENALTY)
    def action_confirm(self):
        """Confirm assessed penalties: the form's button and the list's bulk
        action (all or none: any penalty not assessed refuses the batch)."""
        self._check_manager()
        self._check_state(("assessed",), self.env._("confirmed"))
        self.write({"state": "confirmed"})
        self._append("penalty.confirmed")
        return True

    @door.opens(PENALTY)
    def action_waive(self, reason=None, note=None):
        self._check_manager()
        reason = reason or self.env.context.get("aftersales_waiver_reason")
        note = inputs.to_text(
            self.env,
            note or self.env.context.get("aftersales_waiver_note"),
            self.env._("Note"),
            max_length=inputs.MAX_TEXT,
        )
        if not isinstance(reason, str) or reason not in dict(WAIVER_REASONS):
            raise ValidationError(self.env._("Waiving a penalty needs a reason."))
        if reason == "other" and not note:
            raise ValidationError(self.env._("Say why the penalty is waived."))
        self._check_state(("assessed", "confirmed", "disputed"), self.env._("waived"))
        # A waived penalty takes its reductions with it.
        waived = self | self.adjustment_ids.filtered(lambda p: p.state == "confirmed")
        waived.write({"state": "waived", "waiver_reason": reason, "waiver_note": note})
        waived._append(
            "penalty.waived", {"waiver_reason": reason, "note": note}, reason=note
        )
        self.contract_id._compute_penalty_totals()
        return True

    @door.opens(PENALTY)
    def action_dispute(self, reason, attachments=None):
        """The other party disputes the penalty (portal, or a manager on its
        behalf): it is on hold until a manager upholds, reduces or waives it.

        :param attachments: ``ir.attachment`` records (or their ids over RPC) the
            caller can read: the evidence.
        """
        reason = inputs.to_text(
            self.env, reason, self.env._("Reason"), max_length=inputs.MAX_TEXT
        )
        if not reason:
            raise ValidationError(self.env._("A dispute needs a reason."))
        Attachment = self.env["ir.attachment"]
        if attachments and not isinstance(attachments, models.BaseModel):
            if not isinstance(attachments, list | tuple) or not all(
                isinstance(i, int) and not isinstance(i, bool) for i in attachments
            ):
                raise ValidationError(
                    self.env._("The evidence must be a list of attachment ids.")
                )
            attachments = Attachment.browse(attachments)
            if len(attachments.exists()) != len(set(attachments.ids)):
                raise ValidationError(self.env._("Some evidence does not exist."))
            attachments.check_access("read")
        for penalty in self:
            if not self.env.user.has_group("aftersales_sla.group_aftersales_manager"):
                customer = self.env.user.commercial_partner_id
                if penalty.partner_id.commercial_partner_id != customer:
                    raise AccessError(
                        self.env._("You can only dispute your own penalties.")
                    )
        self._check_state(("assessed", "confirmed"), self.env._("disputed"))
        # sudo: the customer disputes his own penalties (checked above) from the portal
        self.sudo().write({"state": "disputed", "dispute_reason": reason})
        # sudo: the portal customer posts on his own penalties (checked above)
        for penalty in self.sudo():
            penalty.message_post(
                body=self.env._("Disputed: %s", reason),
                attachment_ids=(attachments or self.env["ir.attachment"]).ids,
                author_id=self.env.user.partner_id.id,
            )
        self._append("penalty.disputed", {"reason": reason}, reason=reason)
        return True

    @door.opens(PENALTY)
    def action_resolve_dispute(self, outcome, amount=None, opinion=None, note=None):
        """Settle a dispute: ``uphold``, ``reduce`` (by ``amount``, a new adjusting
        penalty) or ``waive``; optionally with a mediator's opinion."""
        self._check_manager()
        if not isinstance(outcome, str) or outcome not in ("uphold", "reduce", "waive"):
            raise ValidationError(
                self.env._("Unknown dispute outcome: %s", str(outcome)[:60])
            )
        if amount not in (None, False):
            amount = inputs.to_number(
                self.env, amount, self.env._("Reduction"), minimum=0
            )
        opinion = inputs.to_text(
            self.env, opinion, self.env._("Opinion"), max_length=inputs.MAX_TEXT
        )
        note = inputs.to_text(
            self.env, note, self.env._("Note"), max_length=inputs.MAX_TEXT
        )
        self._check_state(("disputed",), self.env._("settled"))
        if opinion:
            self.write({"mediator_opinion": opinion})
        if outcome == "waive":
            return self.action_waive(
                "other", note or opinion or self.env._("Dispute upheld")
            )
        adjustments = self.browse()
        for penalty in self:
            if outcome == "reduce":
                if amount is None or not 0 < amount <= penalty.amount:
                    raise ValidationError(
                        self.env._(
                            "A reduction is a positive amount, at most the penalty "
                            "(%(amount)s).",
                            amount=penalty.amount,
                        )
                    )
                # sudo: reductions are made by the engine: no user may create penalties
                adjustments |= self.sudo().create(
                    {
                        "contract_id": penalty.contract_id.id,
                        "currency_id": penalty.currency_id.id,
                        "ticket_id": penalty.ticket_id.id,
                        "sla_line_id": penalty.sla_line_id.id,
                        "rule_id": penalty.rule_id.id,
                        "partner_id": penalty.partner_id.id,
                        "direction": penalty.direction,
                        "amount": -amount,
                        "amount_computed": -amount,
                        "parent_id": penalty.id,
                        "state": "confirmed",
                        "assessed_at": fields.Datetime.now(),
                        "period_start": penalty.period_start,
                        "note": note or opinion,
                    }
                )
        self.write({"state": "confirmed"})
        self._append(
            "penalty.upheld",
            lambda p: {
                "outcome": outcome,
                "reduced_by": float_round(amount or 0.0, precision_digits=6),
                "opinion": opinion,
            },
            reason=note or opinion,
        )
        if adjustments:
            adjustments._append(
                "penalty.assessed", lambda p: {"adjusts": p.parent_id.name}, reason=note
            )
            adjustments.contract_id._compute_penalty_totals()
        return adjustments or True

    # ------------------------------------------------------------------
    # Statement
    # ------------------------------------------------------------------

    @api.model
    def _statement(self, contract, date_from, date_to):
        """Breaches, penalties and totals of a contract in a period, and nothing
        before it: the penalties assessed in the period and the service levels of
        the contract's tickets breached in it."""
        start = fields.Datetime.to_datetime(date_from)
        end = fields.Datetime.to_datetime(date_to) + relativedelta(days=1)
        penalties = self.search(
            [
                ("contract_id", "=", contract.id),
                ("assessed_at", ">=", start),
                ("assessed_at", "<", end),
            ],
            order="assessed_at, id",
        )
        breaches = self.env["aftersales.ticket.sla"].search(
            [
                ("ticket_id.contract_id", "=", contract.id),
                ("breached_at", ">=", start),
                ("breached_at", "<", end),
            ],
            order="breached_at, id",
        )
        totals = defaultdict(float)
        for penalty in penalties:
            totals[penalty.state] += penalty.amount
        return {
            "penalties": penalties,
            "totals": dict(totals),
            "clipped": sum(penalties.mapped("amount_clipped")),
            "breaches": breaches,
            "disputed": penalties.filtered(lambda p: p.state == "disputed"),
        }
