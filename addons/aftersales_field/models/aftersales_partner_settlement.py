"""A service partner's settlement for a period.

The partner's completed jobs of the period (the tickets it served under the
customer contract its back-to-back contract backs, resolved in the period and
in no other settlement) are priced from the partner contract's fee schedule:
a visit fee per job with an arrival on site, the labour hours of its repair
orders at the labour fee, the parts fitted at their cost plus the contract's
markup. Its receivable penalties (confirmed, not yet invoiced) are deducted.
Confirmed, the statement is on the partner's portal, where it may dispute
lines; billed, it is a vendor bill with the penalties deducted through the
core's deduction (each penalty invoiced by its line).

State, amounts, lines and deductions change only through these actions (the
one door); a period of the contract is settled once (an exclusion constraint
besides the check under the contract's row lock).
"""

import hashlib
import json
from collections import defaultdict
from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import date_utils, float_round

from odoo.addons.aftersales_sla.tools import door

SETTLEMENT = "aftersales.partner.settlement"
SETTLEMENT_LINE = "aftersales.partner.settlement.line"
#: Fields only the settlement's actions write.
GUARDED_FIELDS = frozenset(
    {
        "state",
        "line_ids",
        "penalty_ids",
        "amount_jobs",
        "amount_deductions",
        "amount_net",
        "job_count",
        "move_id",
    }
)
#: Fields fixed once the settlement leaves draft.
DRAFT_FIELDS = frozenset({"contract_id", "date_from", "date_to", "company_id"})
KINDS = ("visit", "labour", "parts")


def _last_month_start():
    last_month = fields.Date.today() - relativedelta(months=1)
    return date_utils.start_of(last_month, "month")


class AftersalesPartnerSettlement(models.Model):
    _name = "aftersales.partner.settlement"
    _description = "After-Sales Partner Settlement"
    _inherit = ["mail.thread"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    contract_id = fields.Many2one(
        "aftersales.contract",
        string="Partner Contract",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        check_company=True,
        domain="[('contract_type', '=', 'partner'), "
        "('state', 'in', ('active', 'suspended', 'expired', 'terminated'))]",
    )
    partner_id = fields.Many2one(
        related="contract_id.partner_id",
        string="Service Partner",
        store=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="contract_id.currency_id", store=True)
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: _last_month_start(),
        tracking=True,
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: date_utils.end_of(_last_month_start(), "month"),
        tracking=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("confirmed", "Confirmed"),
            ("billed", "Billed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    line_ids = fields.One2many(
        "aftersales.partner.settlement.line",
        "settlement_id",
        string="Lines",
        readonly=True,
        copy=False,
    )
    penalty_ids = fields.Many2many(
        "aftersales.penalty",
        "aftersales_partner_settlement_penalty_rel",
        "settlement_id",
        "penalty_id",
        string="Penalty Deductions",
        readonly=True,
        copy=False,
    )
    job_count = fields.Integer(string="Jobs", readonly=True, copy=False)
    amount_jobs = fields.Monetary(
        string="Jobs Total", readonly=True, copy=False, tracking=True
    )
    amount_deductions = fields.Monetary(
        string="Penalty Deductions Total", readonly=True, copy=False, tracking=True
    )
    amount_net = fields.Monetary(string="Net", readonly=True, copy=False, tracking=True)
    move_id = fields.Many2one(
        "account.move",
        string="Vendor Bill",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )
    move_state = fields.Selection(
        related="move_id.state", string="Bill Status", related_sudo=True
    )
    disputed_count = fields.Integer(compute="_compute_disputed_count")

    _sql_constraints = [
        (
            "period_settled_once",
            "EXCLUDE USING gist (int4range(contract_id, contract_id, '[]') WITH =, "
            "daterange(date_from, date_to, '[]') WITH &&) WHERE (state <> 'cancelled')",
            "This period of the partner contract is already settled.",
        ),
        (
            "period_ordered",
            "CHECK(date_from <= date_to)",
            "A settlement's period ends on or after its start.",
        ),
    ]

    @api.depends("contract_id.name", "date_from", "date_to")
    def _compute_name(self):
        for settlement in self:
            settlement.name = " ".join(
                str(part)
                for part in (
                    settlement.contract_id.name,
                    settlement.date_from,
                    settlement.date_to and f"- {settlement.date_to}",
                )
                if part
            )

    @api.depends("line_ids.dispute_state")
    def _compute_disputed_count(self):
        for settlement in self:
            settlement.disputed_count = len(
                settlement.line_ids.filtered(
                    lambda line: line.dispute_state == "disputed"
                )
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not door.is_open(SETTLEMENT):
            for vals in vals_list:
                guarded = {
                    name
                    for name in GUARDED_FIELDS.intersection(vals)
                    if not (name == "state" and vals[name] == "draft")
                    and not door.is_empty(vals[name])
                }
                if guarded:
                    door.refuse(self, guarded)
        Contract = self.env["aftersales.contract"]
        for vals in vals_list:
            vals.setdefault("date_from", _last_month_start())
            vals.setdefault(
                "date_to",
                fields.Date.to_date(vals["date_from"])
                + relativedelta(months=1, days=-1),
            )
            self._check_period_vals(vals["date_from"], vals["date_to"])
            if vals.get("contract_id") and "company_id" not in vals:
                vals["company_id"] = Contract.browse(vals["contract_id"]).company_id.id
        contracts = Contract.browse(
            [vals["contract_id"] for vals in vals_list if vals.get("contract_id")]
        )
        self._lock_contracts(contracts)
        for vals in vals_list:
            if vals.get("contract_id") and vals.get("state", "draft") != "cancelled":
                self._check_not_settled(
                    vals["contract_id"], vals["date_from"], vals["date_to"]
                )
        settlements = super().create(vals_list)
        settlements._check_contract()
        return settlements

    def write(self, vals):
        if not door.is_open(SETTLEMENT):
            guarded = GUARDED_FIELDS.intersection(vals)
            if guarded:
                door.refuse(
                    self,
                    guarded,
                    hint=self.env._("Use Compute, Confirm, Create Bill or Cancel."),
                )
        moved = DRAFT_FIELDS.intersection(vals)
        if moved:
            fixed = self.filtered(lambda s: s.state != "draft")
            if fixed and not door.is_open(SETTLEMENT):
                raise UserError(
                    self.env._(
                        "Settlement %(settlement)s is %(state)s: its contract and "
                        "period are fixed.",
                        settlement=fixed[0].display_name,
                        state=fixed[0]._state_label(),
                    )
                )
            self._lock_contracts(
                self.contract_id
                | self.env["aftersales.contract"].browse(vals.get("contract_id"))
            )
            for settlement in self:
                date_from = vals.get("date_from", settlement.date_from)
                date_to = vals.get("date_to", settlement.date_to)
                self._check_period_vals(date_from, date_to)
                if settlement.state != "cancelled":
                    self._check_not_settled(
                        vals.get("contract_id", settlement.contract_id.id),
                        date_from,
                        date_to,
                        exclude=settlement,
                    )
        result = super().write(vals)
        if moved:
            self._check_contract()
            # The lines of another contract or period are stale: compute again.
            with door.opened(SETTLEMENT, SETTLEMENT_LINE):
                self._reset_lines()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_draft(self):
        if any(settlement.state != "draft" for settlement in self):
            raise UserError(
                self.env._(
                    "Only a draft settlement is deleted; cancel a confirmed one."
                )
            )

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    @api.model
    def _lock_contracts(self, contracts):
        """Serialise settlements of a contract: a second one of the same period
        waits for the first (and the exclusion constraint refuses it)."""
        if not contracts:
            return
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id FROM aftersales_contract WHERE id = ANY(%s) FOR NO KEY UPDATE",
            [contracts.ids],
        )

    def _check_period_vals(self, date_from, date_to):
        if (
            date_from
            and date_to
            and fields.Date.to_date(date_from) > fields.Date.to_date(date_to)
        ):
            raise UserError(
                self.env._("A settlement's period ends on or after its start.")
            )

    def _check_contract(self):
        for settlement in self:
            # sudo: the contract's type and partner are checked, whoever saves
            contract = settlement.contract_id.sudo()
            if contract.contract_type != "partner":
                raise UserError(
                    self.env._(
                        "%(contract)s is not a service partner contract: only a "
                        "service partner's work is settled.",
                        contract=contract.display_name,
                    )
                )
            if contract.state == "draft":
                raise UserError(
                    self.env._(
                        "Contract %(contract)s is a draft: it has no jobs to settle.",
                        contract=contract.display_name,
                    )
                )

    @api.model
    def _check_not_settled(self, contract_id, date_from, date_to, exclude=None):
        """Refuse a period of ``contract_id`` overlapping another settlement of
        it (not cancelled). Called under the contract's row lock."""
        # sudo: every settlement of the contract, whatever the company rules show
        other = self.sudo().search(
            [
                ("id", "not in", exclude.ids if exclude else []),
                ("contract_id", "=", contract_id),
                ("state", "!=", "cancelled"),
                ("date_from", "<=", date_to),
                ("date_to", ">=", date_from),
            ],
            limit=1,
        )
        if other:
            raise UserError(
                self.env._(
                    "Contract %(contract)s is already settled from %(start)s to "
                    "%(end)s (%(settlement)s, %(state)s): a period is settled once. "
                    "Cancel that settlement first, or choose another period.",
                    contract=other.contract_id.display_name,
                    start=other.date_from,
                    end=other.date_to,
                    settlement=other.display_name,
                    state=other._state_label(),
                )
            )

    def _check_manager(self):
        if not self.env.user.has_group("aftersales_sla.group_aftersales_manager"):
            raise AccessError(
                self.env._("Only After-Sales managers settle service partners.")
            )

    def _check_state(self, allowed, action):
        for settlement in self:
            if settlement.state not in allowed:
                raise UserError(
                    self.env._(
                        "Settlement %(settlement)s is %(state)s: it cannot be "
                        "%(action)s.",
                        settlement=settlement.display_name,
                        state=settlement._state_label(),
                        action=action,
                    )
                )

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------

    def _reset_lines(self):
        self.line_ids.unlink()
        self.write(
            {
                "penalty_ids": [Command.clear()],
                "job_count": 0,
                "amount_jobs": 0.0,
                "amount_deductions": 0.0,
                "amount_net": 0.0,
            }
        )

    def _period_bounds(self):
        """The period as naive UTC datetimes [start, end) in the company's
        service time zone (the contract's calendar), else UTC."""
        self.ensure_one()
        start = datetime.combine(self.date_from, time.min)
        end = datetime.combine(self.date_to + relativedelta(days=1), time.min)
        # sudo: the calendar's time zone, whoever reads the settlement (portal too)
        tz_name = self.contract_id.sudo().calendar_id.tz
        if tz_name:
            from zoneinfo import ZoneInfo

            zone = ZoneInfo(tz_name)
            utc = ZoneInfo("UTC")
            start = start.replace(tzinfo=zone).astimezone(utc).replace(tzinfo=None)
            end = end.replace(tzinfo=zone).astimezone(utc).replace(tzinfo=None)
        return start, end

    def _fee_schedule(self):
        """``{kind: fee line}`` of the partner contract (first line per kind)."""
        self.ensure_one()
        fees = {}
        # sudo: the fee schedule prices the settlement, whoever computes it.
        for fee in self.contract_id.sudo().fee_line_ids:
            kind = fee.product_id.aftersales_fee_kind
            if kind in KINDS and kind not in fees:
                fees[kind] = fee
        return fees

    def _find_jobs(self):
        """The tickets the partner served under the backed customer contract,
        resolved in the period, in no other (not cancelled) settlement."""
        self.ensure_one()
        # sudo: the backed contract and its tickets across teams, for the settlement
        contract = self.contract_id.sudo()
        start, end = self._period_bounds()
        # sudo: the partner's jobs across teams, for the settlement
        Ticket = self.env["aftersales.ticket"].sudo()
        tickets = Ticket.search(
            [
                ("contract_id", "=", contract.parent_id.id),
                (
                    "service_partner_id.commercial_partner_id",
                    "=",
                    contract.partner_id.commercial_partner_id.id,
                ),
                ("state", "in", ("resolved", "closed")),
                ("resolved_at", ">=", start),
                ("resolved_at", "<", end),
            ],
            order="resolved_at, id",
        )
        if not tickets or not contract.parent_id:
            return Ticket.browse()
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT DISTINCT line.ticket_id
                 FROM aftersales_partner_settlement_line line
                 JOIN aftersales_partner_settlement settlement
                   ON settlement.id = line.settlement_id
                WHERE line.ticket_id = ANY(%s)
                  AND settlement.id != %s
                  AND settlement.state != 'cancelled'""",
            [tickets.ids, self.id],
        )
        settled = {row[0] for row in self.env.cr.fetchall()}
        return tickets.filtered(lambda t: t.id not in settled)

    def _job_lines(self, tickets):
        """The line values pricing ``tickets``: read in a few batched queries."""
        self.ensure_one()
        fees = self._fee_schedule()
        currency = self.currency_id
        lines = []
        if not tickets:
            return lines
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            """SELECT ticket_id, COALESCE(SUM(aftersales_labour_hours), 0)
                 FROM repair_order
                WHERE ticket_id = ANY(%s) AND state != 'cancel'
                GROUP BY ticket_id""",
            [tickets.ids],
        )
        hours = dict(cr.fetchall())
        cr.execute(
            """SELECT repair.ticket_id, move.product_id, SUM(move.product_uom_qty)
                 FROM stock_move move
                 JOIN repair_order repair ON repair.id = move.repair_id
                WHERE repair.ticket_id = ANY(%s)
                  AND repair.state != 'cancel'
                  AND move.state != 'cancel'
                  AND move.repair_line_type = 'add'
                GROUP BY repair.ticket_id, move.product_id
                ORDER BY repair.ticket_id, move.product_id""",
            [tickets.ids],
        )
        parts = defaultdict(list)
        part_ids = set()
        for ticket_id, product_id, qty in cr.fetchall():
            parts[ticket_id].append((product_id, qty))
            part_ids.add(product_id)
        # sudo: the parts' cost prices the partner's work, whoever computes it.
        products = (
            self.env["product.product"]
            .sudo()
            .with_company(self.company_id)
            .browse(sorted(part_ids))
        )
        costs = {product.id: product.standard_price for product in products}
        names = {product.id: product.display_name for product in products}
        visit, labour, parts_fee = (fees.get(kind) for kind in KINDS)
        markup = parts_fee.cost_plus_percent if parts_fee else 0.0
        for ticket in tickets:
            ref = ticket.number or ticket.name
            if visit and ticket.arrived_at:
                lines.append(
                    {
                        "ticket_id": ticket.id,
                        "kind": "visit",
                        "product_id": visit.product_id.id,
                        "name": f"{ref}: {visit.name}",
                        "quantity": 1.0,
                        "price_unit": visit.price_unit,
                    }
                )
            if labour and hours.get(ticket.id):
                lines.append(
                    {
                        "ticket_id": ticket.id,
                        "kind": "labour",
                        "product_id": labour.product_id.id,
                        "name": f"{ref}: {labour.name}",
                        "quantity": hours[ticket.id],
                        "price_unit": labour.price_unit,
                    }
                )
            for product_id, qty in parts.get(ticket.id, ()):
                cost = costs[product_id]
                lines.append(
                    {
                        "ticket_id": ticket.id,
                        "kind": "parts",
                        "product_id": product_id,
                        "name": f"{ref}: {names[product_id]}",
                        "quantity": qty,
                        "unit_cost": cost,
                        "price_unit": currency.round(cost * (1 + markup / 100.0)),
                    }
                )
        return lines

    def _find_penalties(self):
        """Receivable penalties of the contract to deduct: confirmed, not yet
        invoiced, assessed up to the period's end (adjustments go with their
        penalty)."""
        self.ensure_one()
        _start, end = self._period_bounds()
        # sudo: the settlement deducts them; the manager reads them anyway.
        return (
            self.env["aftersales.penalty"]
            .sudo()
            .search(
                [
                    ("contract_id", "=", self.contract_id.id),
                    ("direction", "=", "receivable"),
                    ("state", "=", "confirmed"),
                    ("move_line_id", "=", False),
                    ("parent_id", "=", False),
                    ("assessed_at", "<", end),
                    # Clipped to nothing by the caps: nothing to deduct.
                    ("amount", ">", 0),
                ],
                order="assessed_at, id",
            )
            .filtered(
                lambda penalty: penalty.currency_id.compare_amounts(
                    self._penalty_net(penalty), 0
                )
                > 0
            )
        )

    @api.model
    def _penalty_net(self, penalty):
        reductions = penalty.adjustment_ids.filtered(
            lambda p: p.state == "confirmed" and not p.move_line_id
        )
        return penalty.amount + sum(reductions.mapped("amount"))

    def _update_totals(self):
        currency_round = {s: s.currency_id.round for s in self}
        for settlement in self:
            rnd = currency_round[settlement]
            jobs = rnd(sum(settlement.line_ids.mapped("amount")))
            # sudo: penalties need a manager's or accountant's rights
            deductions = rnd(
                sum(self._penalty_net(p) for p in settlement.penalty_ids.sudo())
            )
            settlement.write(
                {
                    "job_count": len(settlement.line_ids.ticket_id),
                    "amount_jobs": jobs,
                    "amount_deductions": deductions,
                    "amount_net": rnd(jobs - deductions),
                }
            )

    @door.opens(SETTLEMENT, SETTLEMENT_LINE)
    def action_compute(self):
        """Price the period's jobs and list the penalties to deduct (draft only;
        computing again replaces the lines)."""
        self._check_manager()
        self._check_state(("draft",), self.env._("computed"))
        self._lock_contracts(self.contract_id)
        for settlement in self:
            with self.env.cr.savepoint():
                settlement._reset_lines()
                vals_list = settlement._job_lines(settlement._find_jobs())
                self.env[SETTLEMENT_LINE].create(
                    [dict(vals, settlement_id=settlement.id) for vals in vals_list]
                )
                settlement.write(
                    {"penalty_ids": [Command.set(settlement._find_penalties().ids)]}
                )
                settlement._update_totals()
        return True

    # ------------------------------------------------------------------
    # Confirm, bill, cancel
    # ------------------------------------------------------------------

    def _lines_digest(self):
        """SHA-256 of the lines in canonical form (ticket, kind, product,
        quantity, unit price, amount), and of the penalties deducted."""
        self.ensure_one()
        lines = [
            [
                line.ticket_id.id,
                line.kind,
                line.product_id.id,
                float_round(line.quantity, precision_digits=6),
                float_round(line.price_unit, precision_digits=6),
                float_round(line.amount, precision_digits=6),
            ]
            for line in self.line_ids.sorted("id")
        ]
        data = {"lines": lines, "penalties": sorted(self.penalty_ids.ids)}
        return hashlib.sha256(
            json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()

    def _payload(self):
        self.ensure_one()
        rnd = self.currency_id.round
        return {
            "settlement_id": self.id,
            "contract": self.contract_id.id,
            "partner": self.partner_id.commercial_partner_id.id,
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
            "currency": self.currency_id.name,
            "jobs": self.job_count,
            "amount_jobs": rnd(self.amount_jobs),
            "amount_deductions": rnd(self.amount_deductions),
            "amount_net": rnd(self.amount_net),
        }

    def _append(self, event_type, payload=None, reason=None):
        return self.env["aftersales.event"]._append_events(
            [
                {
                    "event_type": event_type,
                    "subject": settlement,
                    "company": settlement.company_id,
                    "payload": dict(settlement._payload(), **(payload or {})),
                    "reason": reason,
                }
                for settlement in self
            ]
        )

    @door.opens(SETTLEMENT)
    def action_confirm(self):
        """Fix the statement: the partner sees it on its portal; recorded in the
        ledger with the digest of its lines."""
        self._check_manager()
        self._check_state(("draft",), self.env._("confirmed"))
        for settlement in self:
            if not settlement.line_ids and not settlement.penalty_ids:
                raise UserError(
                    self.env._(
                        "Settlement %(settlement)s has nothing to settle: compute it "
                        "first.",
                        settlement=settlement.display_name,
                    )
                )
        # The jobs or penalties may have changed since Compute: refuse a stale
        # statement rather than confirm it.
        self._lock_contracts(self.contract_id)
        for settlement in self:
            taken = settlement.line_ids.ticket_id - settlement._find_jobs()
            if taken:
                # sudo: the ticket settled elsewhere may lie outside the manager's teams
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s of settlement %(settlement)s is settled "
                        "elsewhere meanwhile: compute again.",
                        ticket=taken[0].sudo().display_name,
                        settlement=settlement.display_name,
                    )
                )
        self.write({"state": "confirmed"})
        for settlement in self:
            settlement._append(
                "settlement.confirmed",
                {
                    "lines": len(settlement.line_ids),
                    "penalties": sorted(settlement.penalty_ids.ids),
                    "lines_sha256": settlement._lines_digest(),
                },
            )
        return True

    def _check_billing_rights(self):
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(
                self.env._(
                    "Only users with invoicing rights create a settlement's vendor "
                    "bill."
                )
            )

    def _bill_line_vals(self):
        """One bill line per kind of job line, on the fee product of that kind
        (its expense account)."""
        self.ensure_one()
        fees = self._fee_schedule()
        labels = dict(
            self.env[SETTLEMENT_LINE]._fields["kind"]._description_selection(self.env)
        )
        totals = defaultdict(float)
        jobs = defaultdict(set)
        for line in self.line_ids:
            totals[line.kind] += line.amount
            jobs[line.kind].add(line.ticket_id.id)
        vals = []
        for kind in KINDS:
            if kind not in totals:
                continue
            if kind not in fees:
                raise UserError(
                    self.env._(
                        "Contract %(contract)s has no fee of the kind %(kind)s: add "
                        "one (by an amendment) to bill the settlement.",
                        contract=self.contract_id.display_name,
                        kind=labels[kind],
                    )
                )
            vals.append(
                {
                    "product_id": fees[kind].product_id.id,
                    "name": self.env._(
                        "%(kind)s: %(jobs)s jobs, %(start)s - %(end)s",
                        kind=labels[kind],
                        jobs=len(jobs[kind]),
                        start=self.date_from,
                        end=self.date_to,
                    ),
                    "quantity": 1.0,
                    "price_unit": self.currency_id.round(totals[kind]),
                }
            )
        return vals

    @door.opens(SETTLEMENT)
    def action_create_bill(self):
        """The vendor bill of a confirmed settlement, its penalties deducted by
        the core's deduction (negative lines, each penalty invoiced)."""
        self._check_billing_rights()
        self._check_state(("confirmed",), self.env._("billed"))
        for settlement in self:
            if settlement.disputed_count:
                raise UserError(
                    self.env._(
                        "Settlement %(settlement)s has %(count)s disputed line(s): "
                        "uphold or adjust them before billing.",
                        settlement=settlement.display_name,
                        count=settlement.disputed_count,
                    )
                )
        moves = self.env["account.move"]
        for settlement in self:
            partner = settlement.partner_id.commercial_partner_id
            with self.env.cr.savepoint():
                bill = (
                    self.env["account.move"]
                    .with_company(settlement.company_id)
                    .create(
                        {
                            "move_type": "in_invoice",
                            "partner_id": partner.id,
                            "currency_id": settlement.currency_id.id,
                            "invoice_date": fields.Date.context_today(self),
                            "invoice_origin": settlement.contract_id.name,
                            "ref": settlement.name,
                            "invoice_line_ids": [
                                Command.create(vals)
                                for vals in settlement._bill_line_vals()
                            ],
                        }
                    )
                ).with_env(self.env)
                penalties = settlement.penalty_ids.filtered(
                    lambda p: p.state == "confirmed" and not p.move_line_id
                )
                if len(penalties) != len(settlement.penalty_ids):
                    raise UserError(
                        self.env._(
                            "A penalty of settlement %(settlement)s was invoiced or "
                            "changed since it was confirmed: cancel the settlement "
                            "and settle the period again.",
                            settlement=settlement.display_name,
                        )
                    )
                if penalties:
                    penalties.with_env(self.env)._add_to_invoice(bill)
                settlement.write({"move_id": bill.id, "state": "billed"})
                settlement._append(
                    "settlement.billed",
                    {"move_id": bill.id, "amount_total": bill.amount_total},
                )
            moves |= bill
        if len(moves) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "account.move",
                "res_id": moves.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        return True

    @door.opens(SETTLEMENT)
    def action_cancel(self):
        """Cancel a settlement: its jobs and penalties may be settled again. A
        billed one only once its vendor bill is cancelled."""
        self._check_manager()
        self._check_state(("draft", "confirmed", "billed"), self.env._("cancelled"))
        for settlement in self.filtered(lambda s: s.state == "billed"):
            # sudo: the vendor bill's state, for a manager without accounting rights
            if settlement.move_id.sudo().state != "cancel":
                # sudo: the vendor bill's name, for a manager without accounting rights
                raise UserError(
                    self.env._(
                        "Settlement %(settlement)s is billed by %(bill)s: cancel the "
                        "bill first.",
                        settlement=settlement.display_name,
                        bill=settlement.move_id.sudo().display_name,
                    )
                )
        recorded = self.filtered(lambda s: s.state != "draft")
        self.write({"state": "cancelled"})
        recorded._append("settlement.cancelled")
        return True

    def action_view_bill(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------------
    # Disputes
    # ------------------------------------------------------------------

    def _check_portal_party(self):
        """The current user is a portal user of the settlement's partner."""
        self.ensure_one()
        user = self.env.user
        if (
            not user._is_portal()
            or user.commercial_partner_id != self.partner_id.commercial_partner_id
        ):
            raise AccessError(
                self.env._("Only the service partner disputes its settlement.")
            )
