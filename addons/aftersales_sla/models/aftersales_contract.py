"""After-sales service contracts.

A contract names the customer (or, for a back-to-back contract, the service partner),
its term, what it covers (service types, products and serial numbers, region), the
service calendar and SLA policy its tickets run under, its fee schedule and annexes.

Life cycle: draft -> active <-> suspended -> terminated, and active or suspended ->
expired (scheduled action, after the end date). Each transition appends its event to
the service ledger. While a contract is in force (active or suspended) its
contractual terms change only through an amendment (the wizard
``aftersales.contract.amend``, which calls :meth:`_apply_amendment`); the amendment
records the old and new terms with an effective date, so :meth:`_get_terms_at` tells
which terms apply to a ticket reported at a given moment.
"""

import contextvars
import hashlib
import json
from datetime import datetime, time

import pytz

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_round

from ..tools import inputs

#: Set only while :meth:`AftersalesContract._apply_amendment` writes the amended
#: terms. A context variable, not a context key, so that no RPC caller can set it.
_AMENDING = contextvars.ContextVar("aftersales_contract_amending", default=False)

#: Fields that only an amendment may change while the contract is in force.
CONTRACTUAL_FIELDS = frozenset(
    {
        "contract_type",
        "partner_id",
        "company_id",
        "currency_id",
        "amount_value",
        "date_start",
        "date_end",
        "service_type_ids",
        "product_line_ids",
        "country_ids",
        "country_state_ids",
        "calendar_id",
        "sla_policy_id",
        "fee_line_ids",
        "annex_ids",
        "auto_accept_days",
        "parent_id",
        "penalty_rule_ids",
        "penalty_cap_amount",
        "penalty_cap_percent",
        "penalty_period",
        "penalty_period_cap_amount",
        "penalty_period_cap_percent",
    }
)

#: Contractual fields an amendment cannot change: who, for whom, in what currency,
#: from when. They are read-only on the form once the contract is in force.
FIXED_FIELDS = (
    "contract_type",
    "partner_id",
    "company_id",
    "currency_id",
    "date_start",
    "parent_id",
)

#: Lines of each amendable one2many term: the fields that make up a line, in its
#: canonical (JSON) form and in the amendment wizard.
AMENDMENT_LINE_FIELDS = {
    "product_line_ids": ("product_id", "serial_number", "note"),
    "fee_line_ids": ("product_id", "name", "uom_id", "price_unit"),
    "annex_ids": ("sequence", "title", "body"),
    "penalty_rule_ids": (
        "sequence",
        "name",
        "rule_type",
        "amount",
        "percent",
        "max_per_ticket",
        "metric",
        "priority",
        "service_type_id",
        "kpi",
    ),
}

#: States in which a contract is in force.
IN_FORCE = ("active", "suspended")


class AftersalesContract(models.Model):
    """An after-sales service contract with a customer or a service partner."""

    _name = "aftersales.contract"
    _description = "After-Sales Contract"
    _inherit = ["mail.thread", "mail.activity.mixin", "portal.mixin"]
    _order = "date_start desc, id desc"

    name = fields.Char(
        string="Number", readonly=True, copy=False, default="New", required=True
    )
    title = fields.Char(help="What the contract is about.", tracking=True)
    contract_type = fields.Selection(
        [
            ("customer", "Customer Contract"),
            ("partner", "Service Partner Contract"),
        ],
        string="Type",
        required=True,
        default="customer",
        tracking=True,
        help="A customer contract binds us to a customer; a service partner contract "
        "binds a service partner to us, usually backing a customer contract.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Partner",
        required=True,
        tracking=True,
        index=True,
        ondelete="restrict",
        help="The customer, or the service partner for a service partner contract.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        ondelete="restrict",
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
        ondelete="restrict",
    )
    amount_value = fields.Monetary(
        string="Contract Value",
        currency_field="currency_id",
        tracking=True,
        help="The base of penalty caps expressed as a percentage.",
    )
    date_start = fields.Date(
        string="Start Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    date_end = fields.Date(string="End Date", required=True, tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("active", "Active"),
            ("suspended", "Suspended"),
            ("expired", "Expired"),
            ("terminated", "Terminated"),
        ],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    state_reason = fields.Text(
        string="Suspension / Termination Reason",
        copy=False,
        tracking=True,
        help="Why the contract is suspended or terminated; asked by those actions.",
    )
    termination_date = fields.Date(readonly=True, copy=False, tracking=True)
    service_type_ids = fields.Many2many(
        "aftersales.service.type",
        string="Services in Scope",
        help="Empty: every service type.",
    )
    product_line_ids = fields.One2many(
        "aftersales.contract.product",
        "contract_id",
        string="Covered Products",
        copy=True,
    )
    country_ids = fields.Many2many(
        "res.country",
        string="Countries",
        help="Service region. Empty (with no states either): everywhere.",
    )
    country_state_ids = fields.Many2many(
        "res.country.state",
        string="States",
        help="Service region within a country: when states of a country are listed, "
        "only they are covered in that country.",
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Service Hours",
        ondelete="restrict",
        tracking=True,
    )
    sla_policy_id = fields.Many2one(
        "aftersales.sla.policy",
        string="SLA Policy",
        ondelete="restrict",
        tracking=True,
    )
    sla_target_ids = fields.One2many(
        related="sla_policy_id.target_ids", string="SLA Targets"
    )
    fee_line_ids = fields.One2many(
        "aftersales.contract.fee", "contract_id", string="Fee Schedule", copy=True
    )
    annex_ids = fields.One2many(
        "aftersales.contract.annex", "contract_id", string="Annexes", copy=True
    )
    auto_accept_days = fields.Integer(
        string="Automatic Acceptance (days)",
        default=7,
        tracking=True,
        help="Days after resolution after which a ticket the customer has not "
        "signed off is accepted automatically.",
    )
    parent_id = fields.Many2one(
        "aftersales.contract",
        string="Backed Customer Contract",
        index="btree_not_null",
        ondelete="restrict",
        domain="[('contract_type', '=', 'customer'), ('id', '!=', id)]",
        help="For a service partner contract: the customer contract it backs.",
    )
    back_to_back_ids = fields.One2many(
        "aftersales.contract", "parent_id", string="Back-to-back Contracts"
    )
    amendment_ids = fields.One2many(
        "aftersales.contract.amendment", "contract_id", string="Amendments"
    )
    amendment_count = fields.Integer(compute="_compute_amendment_count")
    back_to_back_count = fields.Integer(compute="_compute_back_to_back_count")
    holiday_warning = fields.Text(
        compute="_compute_holiday_warning",
        help="Years of the term for which a calendar its clocks run on has no public "
        "holiday: deadlines there would count holidays as working days.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    # Penalties (liquidated damages)
    penalty_rule_ids = fields.One2many(
        "aftersales.penalty.rule", "contract_id", string="Penalty Clauses", copy=True
    )
    penalty_ids = fields.One2many(
        "aftersales.penalty", "contract_id", string="Penalties"
    )
    penalty_cap_amount = fields.Monetary(
        string="Cap per Term", help="At most this much in penalties over the term."
    )
    penalty_cap_percent = fields.Float(
        string="Cap per Term (% of Value)",
        default=10.0,
        help="At most this share of the contract value over the term.",
    )
    penalty_period = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        string="Cap Period",
        default="month",
        required=True,
    )
    penalty_period_cap_amount = fields.Monetary(string="Cap per Period")
    penalty_period_cap_percent = fields.Float(string="Cap per Period (% of Value)")
    penalty_total = fields.Monetary(
        string="Penalties Assessed",
        readonly=True,
        copy=False,
        help="Sum of the penalties not waived (stored: the caps are checked against "
        "it under a row lock).",
    )
    penalty_cap_left = fields.Monetary(
        string="Cap Left", compute="_compute_penalty_cap_left"
    )
    penalty_count = fields.Integer(compute="_compute_penalty_cap_left")
    breach_count = fields.Integer(compute="_compute_penalty_cap_left")

    @api.depends("amendment_ids")
    def _compute_amendment_count(self):
        for contract in self:
            contract.amendment_count = len(contract.amendment_ids)

    @api.depends(
        "date_start",
        "date_end",
        "calendar_id",
        "sla_policy_id.target_ids.calendar_id",
        "sla_policy_id.target_ids.time_basis",
    )
    def _compute_holiday_warning(self):
        """Name the years of the term without public holidays on the calendars the
        contract's clocks run on (its service hours, the targets' own calendars)."""
        for contract in self:
            lines = []
            if contract.date_start and contract.date_end:
                targets = contract.sla_policy_id.target_ids
                calendars = (
                    contract.calendar_id
                    | targets.filtered(lambda t: t.time_basis == "calendar").calendar_id
                )
                for calendar in calendars.sudo():
                    years = calendar._aftersales_years_without_holidays(
                        contract.date_start, contract.date_end
                    )
                    if years:
                        lines.append(
                            self.env._(
                                "%(calendar)s has no public holidays for %(years)s.",
                                calendar=calendar.name,
                                years=", ".join(str(year) for year in years),
                            )
                        )
            contract.holiday_warning = "\n".join(lines) or False

    @api.depends("back_to_back_ids")
    def _compute_back_to_back_count(self):
        for contract in self:
            contract.back_to_back_count = len(contract.back_to_back_ids)

    @api.depends("name")
    def _compute_access_url(self):
        for contract in self:
            contract.access_url = f"/my/aftersales/contracts/{contract.id}"

    @api.depends("name", "title")
    def _compute_display_name(self):
        for contract in self:
            if contract.title:
                contract.display_name = f"{contract.name} - {contract.title}"
            else:
                contract.display_name = contract.name or ""

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for contract in self:
            if (
                contract.date_start
                and contract.date_end
                and contract.date_end < contract.date_start
            ):
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s cannot end (%(end)s) before it starts "
                        "(%(start)s).",
                        contract=contract.display_name,
                        end=contract.date_end,
                        start=contract.date_start,
                    )
                )

    @api.constrains("amount_value")
    def _check_amount_value(self):
        for contract in self:
            if contract.amount_value < 0:
                raise ValidationError(
                    self.env._(
                        "The value of contract %(contract)s cannot be negative.",
                        contract=contract.display_name,
                    )
                )

    @api.constrains("auto_accept_days")
    def _check_auto_accept_days(self):
        for contract in self:
            if contract.auto_accept_days < 0:
                raise ValidationError(
                    self.env._(
                        "The automatic acceptance delay of contract %(contract)s "
                        "cannot be negative.",
                        contract=contract.display_name,
                    )
                )

    @api.constrains("parent_id", "contract_type")
    def _check_parent(self):
        for contract in self:
            parent = contract.parent_id
            if not parent:
                continue
            if contract.contract_type != "partner":
                raise ValidationError(
                    self.env._(
                        "Only a service partner contract can back a customer contract "
                        "(%(contract)s is a customer contract).",
                        contract=contract.display_name,
                    )
                )
            if parent == contract:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s cannot back itself.",
                        contract=contract.display_name,
                    )
                )
            if parent.contract_type != "customer":
                raise ValidationError(
                    self.env._(
                        "A service partner contract backs a customer contract; "
                        "%(parent)s is not one.",
                        parent=parent.display_name,
                    )
                )
        for contract in self.filtered(lambda c: c.contract_type != "customer"):
            if contract.back_to_back_ids:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s is backed by service partner "
                        "contracts, so it must stay a customer contract.",
                        contract=contract.display_name,
                    )
                )

    @api.constrains("country_ids", "country_state_ids")
    def _check_region(self):
        for contract in self:
            if contract.country_state_ids and contract.country_ids:
                stray = contract.country_state_ids.country_id - contract.country_ids
                if stray:
                    raise ValidationError(
                        self.env._(
                            "Contract %(contract)s lists states of %(countries)s but "
                            "not the country itself.",
                            contract=contract.display_name,
                            countries=", ".join(stray.mapped("name")),
                        )
                    )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "New") == "New":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "aftersales.contract"
                ) or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        contractual = self._contractual_fields().intersection(vals)
        if contractual:
            self._check_terms_editable(sorted(contractual))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_draft(self):
        for contract in self:
            if contract.state != "draft":
                raise UserError(
                    self.env._(
                        "Contract %(contract)s is not a draft: it cannot be deleted, "
                        "terminate it instead.",
                        contract=contract.display_name,
                    )
                )

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for contract, vals in zip(self, vals_list, strict=False):
            if "title" not in (default or {}) and contract.title:
                vals["title"] = self.env._("%(title)s (copy)", title=contract.title)
        return vals_list

    @api.model
    def _contractual_fields(self):
        """Fields that only an amendment may change while the contract is in
        force (extended by other addons)."""
        return set(CONTRACTUAL_FIELDS)

    def _check_terms_editable(self, field_names=None):
        """Refuse to change the contractual terms of contracts in force, except
        through an amendment (:meth:`_apply_amendment`)."""
        if _AMENDING.get():
            return
        in_force = self.filtered(lambda c: c.state in IN_FORCE)
        if not in_force:
            return
        labels = ", ".join(
            self._fields[name].get_description(self.env)["string"]
            for name in field_names or ()
        )
        raise UserError(
            self.env._(
                "Contract %(contract)s is in force: its terms (%(fields)s) can only "
                "be changed by an amendment.",
                contract=in_force[0].display_name,
                fields=labels or self.env._("covered products, fees, annexes"),
            )
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _event_payload(self, **extra):
        self.ensure_one()
        payload = {
            "contract": self.name,
            "contract_type": self.contract_type,
            "partner_id": self.partner_id.id,
            "date_start": fields.Date.to_string(self.date_start),
            "date_end": fields.Date.to_string(self.date_end),
            "amount_value": self.currency_id.round(self.amount_value),
            "currency": self.currency_id.name,
            "sla_policy_id": self.sla_policy_id.id or None,
            "calendar_id": self.calendar_id.id or None,
            "parent_id": self.parent_id.id or None,
        }
        payload.update(extra)
        return payload

    def _check_state(self, allowed, action_label):
        for contract in self:
            if contract.state not in allowed:
                raise UserError(
                    self.env._(
                        "Contract %(contract)s cannot be %(action)s: it is %(state)s.",
                        contract=contract.display_name,
                        action=action_label,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[contract.state],
                    )
                )

    def _get_state_reason(self, reason):
        self.ensure_one()
        reason = inputs.to_text(self.env, reason, self.env._("Reason"))
        reason = (
            reason
            or self.env.context.get("aftersales_contract_reason")
            or self.state_reason
            or ""
        ).strip()
        if not reason:
            raise UserError(
                self.env._(
                    "Give a reason (field Suspension / Termination Reason) for "
                    "contract %(contract)s.",
                    contract=self.display_name,
                )
            )
        return reason

    def action_activate(self):
        """Put draft contracts in force (needs service hours and an SLA policy)."""
        self._check_state(("draft",), self.env._("activated"))
        for contract in self:
            missing = []
            if not contract.calendar_id:
                missing.append(self.env._("service hours"))
            if not contract.sla_policy_id:
                missing.append(self.env._("an SLA policy"))
            if missing:
                raise UserError(
                    self.env._(
                        "Contract %(contract)s needs %(missing)s before it can be "
                        "activated.",
                        contract=contract.display_name,
                        missing=self.env._(" and ").join(missing),
                    )
                )
        self.write({"state": "active", "state_reason": False})
        self.env["aftersales.event"]._append_events(
            [
                {
                    "event_type": "contract.activated",
                    "subject": contract,
                    "payload": contract._event_payload(),
                }
                for contract in self
            ]
        )
        for contract in self:
            contract.message_post(body=self.env._("Contract activated."))
        return True

    def action_suspend(self, reason=None):
        """Suspend active contracts; the reason comes from the argument, the
        context key ``aftersales_contract_reason`` or the field ``state_reason``."""
        self._check_state(("active",), self.env._("suspended"))
        reasons = {contract: contract._get_state_reason(reason) for contract in self}
        entries = []
        for contract in self:
            contract.write({"state": "suspended", "state_reason": reasons[contract]})
            entries.append(
                {
                    "event_type": "contract.suspended",
                    "subject": contract,
                    "payload": contract._event_payload(),
                    "reason": reasons[contract],
                }
            )
        self.env["aftersales.event"]._append_events(entries)
        for contract in self:
            contract.message_post(
                body=self.env._(
                    "Contract suspended: %(reason)s", reason=reasons[contract]
                )
            )
        return True

    def action_resume(self):
        """Put suspended contracts back in force."""
        self._check_state(("suspended",), self.env._("resumed"))
        self.write({"state": "active", "state_reason": False})
        self.env["aftersales.event"]._append_events(
            [
                {
                    "event_type": "contract.resumed",
                    "subject": contract,
                    "payload": contract._event_payload(),
                }
                for contract in self
            ]
        )
        for contract in self:
            contract.message_post(body=self.env._("Contract resumed."))
        return True

    def action_terminate(self, reason=None, date=None):
        """End active or suspended contracts early, with a reason (argument,
        context key ``aftersales_contract_reason`` or field ``state_reason``) and a
        termination date (default today)."""
        self._check_state(IN_FORCE, self.env._("terminated"))
        date = inputs.to_date(
            self.env, date, self.env._("Termination date")
        ) or fields.Date.context_today(self)
        entries = []
        for contract in self:
            contract_reason = contract._get_state_reason(reason)
            if date < contract.date_start:
                raise UserError(
                    self.env._(
                        "Contract %(contract)s cannot be terminated on %(date)s, "
                        "before it starts (%(start)s).",
                        contract=contract.display_name,
                        date=date,
                        start=contract.date_start,
                    )
                )
            contract.write(
                {
                    "state": "terminated",
                    "state_reason": contract_reason,
                    "termination_date": date,
                }
            )
            entries.append(
                {
                    "event_type": "contract.terminated",
                    "subject": contract,
                    "payload": contract._event_payload(
                        termination_date=fields.Date.to_string(date)
                    ),
                    "reason": contract_reason,
                }
            )
        self.env["aftersales.event"]._append_events(entries)
        for entry in entries:
            entry["subject"].message_post(
                body=self.env._(
                    "Contract terminated on %(date)s: %(reason)s",
                    date=date,
                    reason=entry["reason"],
                )
            )
        return True

    def action_open_amend_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Amend Contract"),
            "res_model": "aftersales.contract.amend",
            "view_mode": "form",
            "target": "new",
            "context": {"default_contract_id": self.id},
        }

    def action_view_amendments(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Amendments"),
            "res_model": "aftersales.contract.amendment",
            "view_mode": "list,form",
            "domain": [("contract_id", "=", self.id)],
            "context": {"default_contract_id": self.id, "create": False},
        }

    def action_view_back_to_back(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Back-to-back Contracts"),
            "res_model": "aftersales.contract",
            "view_mode": "list,form",
            "domain": [("parent_id", "=", self.id)],
            "context": {
                "default_parent_id": self.id,
                "default_contract_type": "partner",
            },
        }

    @api.model
    def _cron_expire_contracts(self, batch_size=500):
        """Expire the contracts in force whose end date has passed. Idempotent: an
        expired contract is not found again."""
        today = fields.Date.context_today(self)
        domain = [("state", "in", IN_FORCE), ("date_end", "<", today)]
        contracts = self.search(domain, order="id")
        done = 0
        cron = self.env["ir.cron"]
        for start in range(0, len(contracts), batch_size):
            batch = contracts[start : start + batch_size]
            previous = {contract.id: contract.state for contract in batch}
            batch.write({"state": "expired"})
            self.env["aftersales.event"]._append_events(
                [
                    {
                        "event_type": "contract.expired",
                        "subject": contract,
                        "payload": contract._event_payload(
                            previous_state=previous[contract.id]
                        ),
                    }
                    for contract in batch
                ]
            )
            for contract in batch:
                contract.message_post(
                    body=self.env._(
                        "Contract expired: its term ended on %(date)s.",
                        date=contract.date_end,
                    )
                )
            done += len(batch)
            cron._notify_progress(done=done, remaining=len(contracts) - done)
        return done

    # ------------------------------------------------------------------
    # Amendments and terms in force
    # ------------------------------------------------------------------

    @api.model
    def _amendable_fields(self):
        """Contract fields an amendment may change, in the order the amendment
        wizard offers them (extended by other addons)."""
        return [
            "sla_policy_id",
            "calendar_id",
            "amount_value",
            "date_end",
            "auto_accept_days",
            "service_type_ids",
            "product_line_ids",
            "country_ids",
            "country_state_ids",
            "fee_line_ids",
            "annex_ids",
            "penalty_rule_ids",
            "penalty_cap_amount",
            "penalty_cap_percent",
            "penalty_period",
            "penalty_period_cap_amount",
            "penalty_period_cap_percent",
        ]

    @api.model
    def _amendment_line_fields(self):
        """{one2many term: the fields of its lines} (extended by other addons)."""
        return dict(AMENDMENT_LINE_FIELDS)

    @api.model
    def _amendment_versioned_terms(self):
        """One2many terms whose lines are never edited in place while the contract
        is in force: an amendment ends the old lines (kept for the tickets reported
        before it and for what references them) and creates new ones."""
        return {"penalty_rule_ids"}

    @api.model
    def _time_bound_terms(self):
        """Terms whose value at any moment :meth:`_get_terms_at` reconstructs from
        the amendments (extended by other addons)."""
        return [
            "sla_policy_id",
            "calendar_id",
            "auto_accept_days",
            "amount_value",
            "date_end",
            "service_type_ids",
            "product_line_ids",
            "country_ids",
            "country_state_ids",
        ]

    def _json_value(self, field, value):
        """The canonical (JSON) form of ``value`` of ``field``: ids for relations,
        rounded amounts, ISO dates, None for empty."""
        if field.type == "many2one":
            return (value.id if isinstance(value, models.BaseModel) else value) or None
        if field.type == "many2many":
            return sorted(value.ids)
        if field.type == "monetary":
            return self.currency_id.round(value or 0.0)
        if field.type == "float":
            return float_round(value or 0.0, precision_digits=6)
        if field.type == "integer":
            return value or 0
        if field.type == "boolean":
            return bool(value)
        if field.type == "date":
            return fields.Date.to_string(value) or None
        if field.type == "datetime":
            return fields.Datetime.to_string(value) or None
        return str(value) if value else None

    def _line_json(self, term, values):
        """A line of one2many ``term`` in canonical form; ``values`` maps its
        fields to values (a line record or a dict of new values)."""
        comodel = self.env[self._fields[term].comodel_name]
        if not isinstance(values, models.BaseModel):
            values = {name: values.get(name) for name in comodel._fields}
        return {
            name: self._json_value(comodel._fields[name], values[name])
            for name in self._amendment_line_fields()[term]
        }

    @staticmethod
    def _sorted_lines(lines):
        return sorted(
            lines, key=lambda line: json.dumps(line, sort_keys=True, default=str)
        )

    def _term_json(self, name):
        """The contract's current value of term ``name`` in canonical form (lines:
        a sorted list of {field: value})."""
        self.ensure_one()
        if name in self._amendment_line_fields():
            return self._sorted_lines(
                [self._line_json(name, line) for line in self[name]]
            )
        return self._json_value(self._fields[name], self[name])

    def _apply_amendment(self, values, effective_date, reason):
        """Amend a contract in force: write ``values``, record the amendment,
        append ``contract.amended`` and post on the chatter.

        :param values: {field: new value} for amendable fields
            (:meth:`_amendable_fields`): records for relations; for a one2many
            term, the list of its new lines as dicts of the line fields
            (:meth:`_amendment_line_fields`, ids or records for relations), with
            ``id`` naming the line it replaces, if any. Unchanged terms are ignored.
        :param effective_date: naive UTC datetime from which tickets get the new terms
        :param reason: text, required
        :return: the ``aftersales.contract.amendment`` record
        """
        self.ensure_one()
        self.check_access("write")
        if self.state not in IN_FORCE:
            raise UserError(
                self.env._(
                    "Only a contract in force is amended; edit draft contract "
                    "%(contract)s directly.",
                    contract=self.display_name,
                )
            )
        unknown = set(values) - set(self._amendable_fields())
        if unknown:
            raise UserError(
                self.env._(
                    "An amendment cannot change %(fields)s.",
                    fields=", ".join(
                        self._fields[name].get_description(self.env)["string"]
                        if name in self._fields
                        else name
                        for name in sorted(unknown)
                    ),
                )
            )
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("An amendment needs a reason."))
        effective_date = self._check_amendment_date(effective_date)
        changes, write_vals = self._diff_amendment_values(values)
        line_changes = self._diff_amendment_lines(values)
        if not changes and not line_changes:
            raise UserError(
                self.env._(
                    "The amendment changes nothing in contract %(contract)s.",
                    contract=self.display_name,
                )
            )
        amendment_vals = {
            "contract_id": self.id,
            "effective_date": effective_date,
            "reason": reason,
        }
        if "sla_policy_id" in changes:
            amendment_vals["old_sla_policy_id"] = self.sla_policy_id.id
            amendment_vals["new_sla_policy_id"] = write_vals["sla_policy_id"]
        if "calendar_id" in changes:
            amendment_vals["old_calendar_id"] = self.calendar_id.id
            amendment_vals["new_calendar_id"] = write_vals["calendar_id"]
        token = _AMENDING.set(True)
        try:
            # One savepoint: a constraint failing on any term writes nothing.
            with self.env.cr.savepoint():
                if write_vals:
                    self.write(write_vals)
                for term, (old_json, lines) in line_changes.items():
                    self._amend_lines(term, lines, effective_date)
                    self.invalidate_recordset([term])
                    changes[term] = [old_json, self._term_json(term)]
                amendment_vals["changes_json"] = json.dumps(
                    changes, sort_keys=True, separators=(",", ":"), ensure_ascii=False
                )
                amendment = self.env["aftersales.contract.amendment"].create(
                    amendment_vals
                )
                self.env.flush_all()
        finally:
            _AMENDING.reset(token)
        now = fields.Datetime.now().replace(microsecond=0)
        payload = {
            "contract": self.name,
            "amendment": amendment.name,
            "amendment_id": amendment.id,
            "changes": self._amendment_event_changes(changes),
            "effective_date": fields.Datetime.to_string(effective_date),
        }
        self.env["aftersales.event"]._append_events(
            [
                {
                    "event_type": "contract.amended",
                    "subject": self,
                    "payload": payload,
                    "occurred_at": min(effective_date, now),
                    "reason": reason,
                }
            ]
        )
        self.message_post(
            body=self.env._(
                "%(amendment)s, effective %(date)s (UTC): %(reason)s",
                amendment=amendment.name,
                date=effective_date,
                reason=reason,
            )
        )
        return amendment

    def _check_amendment_date(self, effective_date):
        """Refuse an effective date before the start or the previous amendment."""
        self.ensure_one()
        if not effective_date:
            raise UserError(self.env._("An amendment needs an effective date."))
        effective_date = fields.Datetime.to_datetime(effective_date).replace(
            microsecond=0
        )
        if effective_date.date() < self.date_start:
            raise UserError(
                self.env._(
                    "An amendment cannot take effect (%(date)s) before the contract "
                    "starts (%(start)s).",
                    date=effective_date,
                    start=self.date_start,
                )
            )
        last = self.amendment_ids.sorted(lambda a: (a.effective_date, a.id))[-1:]
        if last and effective_date < last.effective_date:
            raise UserError(
                self.env._(
                    "An amendment cannot take effect (%(date)s) before the previous "
                    "one (%(previous)s, %(name)s).",
                    date=effective_date,
                    previous=last.effective_date,
                    name=last.name,
                )
            )
        return effective_date

    def _diff_amendment_values(self, values):
        """:return: ({field: [old, new]} as JSON, {field: new value} to write) for
        the plain (not one2many) values that differ from the contract's."""
        self.ensure_one()
        changes, write_vals = {}, {}
        line_terms = self._amendment_line_fields()
        for name, new in values.items():
            if name in line_terms:
                continue
            field = self._fields[name]
            old_json = self._json_value(field, self[name])
            new_json = self._json_value(field, new)
            if field.type == "monetary":
                if not self.currency_id.compare_amounts(self[name], new or 0.0):
                    continue
            elif old_json == new_json:
                continue
            if field.type == "many2one":
                write_vals[name] = new.id
            elif field.type == "many2many":
                write_vals[name] = [Command.set(new.ids)]
            else:
                write_vals[name] = new
            changes[name] = [old_json, new_json]
        return changes, write_vals

    def _diff_amendment_lines(self, values):
        """:return: {one2many term: (current lines as JSON, new lines)} for the
        one2many terms whose lines differ from the contract's."""
        self.ensure_one()
        result = {}
        for term in self._amendment_line_fields():
            if term not in values:
                continue
            lines = [dict(line) for line in values[term]]
            old_json = self._term_json(term)
            new_json = self._sorted_lines(
                [self._line_json(term, line) for line in lines]
            )
            if old_json != new_json:
                result[term] = (old_json, lines)
        return result

    def _amend_lines(self, term, lines, effective_date):
        """Replace the lines of one2many ``term`` by ``lines`` (under
        ``_AMENDING``): a line equal to the one it names is kept; the others are
        updated, created or deleted, or, for versioned terms
        (:meth:`_amendment_versioned_terms`), the old line ends at the effective
        date (archived) and a new one applies from it."""
        self.ensure_one()
        current = self[term]
        comodel = current.browse()
        names = self._amendment_line_fields()[term]
        versioned = term in self._amendment_versioned_terms()
        kept = comodel
        commands = []
        for line in lines:
            origin = current.filtered(lambda rec, line=line: rec.id == line.get("id"))
            vals = {
                name: (
                    line[name].id
                    if isinstance(line.get(name), models.BaseModel)
                    and comodel._fields[name].type == "many2one"
                    else line.get(name)
                )
                for name in names
            }
            if origin and self._line_json(term, origin) == self._line_json(term, vals):
                kept |= origin
            elif versioned:
                commands.append(Command.create(dict(vals, date_from=effective_date)))
            elif origin:
                kept |= origin
                commands.append(Command.update(origin.id, vals))
            else:
                commands.append(Command.create(vals))
        ended = current - kept
        if versioned:
            ended.write({"active": False, "date_to": effective_date})
        else:
            commands = [Command.unlink(line.id) for line in ended] + commands
        if commands:
            self.write({term: commands})

    def _amendment_event_changes(self, changes):
        """The changes as the ledger records them: as in the amendment, except that
        annex texts are recorded by their SHA-256 digest (the amendment keeps the
        texts; the ledger payload stays small)."""

        def digest(lines):
            return [
                dict(
                    {key: value for key, value in line.items() if key != "body"},
                    body_sha256=hashlib.sha256(
                        (line.get("body") or "").encode()
                    ).hexdigest(),
                )
                for line in lines
            ]

        result = dict(changes)
        if "annex_ids" in result:
            result["annex_ids"] = [digest(lines) for lines in result["annex_ids"]]
        return result

    def _get_terms_at(self, when):
        """The terms in force for a ticket reported at ``when`` (naive UTC datetime).

        The contract's terms before its first amendment, with every amendment whose
        effective date is not after ``when`` applied in order.

        :return: ``{"sla_policy": record, "calendar": record, "auto_accept_days":
            int, "amount_value": float, "date_end": date, "service_types":
            records, "product_lines": [(product record, serial or False)],
            "countries": records, "states": records}``
        """
        self.ensure_one()
        when = fields.Datetime.to_datetime(when or fields.Datetime.now())
        amendments = self.amendment_ids.sorted(lambda a: (a.effective_date, a.id))
        values = {name: self._term_json(name) for name in self._time_bound_terms()}
        changed = [amendment._get_changes() for amendment in amendments]
        # Walk back from the current terms to those before the first amendment...
        for term_changes in reversed(changed):
            for name, (old, _new) in term_changes.items():
                if name in values:
                    values[name] = old
        # ...then forward through the amendments in effect at ``when``.
        for amendment, term_changes in zip(amendments, changed, strict=True):
            if amendment.effective_date > when:
                break
            for name, (_old, new) in term_changes.items():
                if name in values:
                    values[name] = new
        return self._terms_from_json(values)

    def _terms_from_json(self, values):
        """The terms of :meth:`_get_terms_at` from their canonical values."""
        env = self.env
        product = env["product.product"]
        return {
            "sla_policy": env["aftersales.sla.policy"].browse(
                values["sla_policy_id"] or ()
            ),
            "calendar": env["resource.calendar"].browse(values["calendar_id"] or ()),
            "auto_accept_days": values["auto_accept_days"],
            "amount_value": values["amount_value"],
            "date_end": fields.Date.to_date(values["date_end"]),
            "service_types": env["aftersales.service.type"].browse(
                values["service_type_ids"]
            ),
            "product_lines": [
                (product.browse(line["product_id"]), line["serial_number"] or False)
                for line in values["product_line_ids"]
            ],
            "countries": env["res.country"].browse(values["country_ids"]),
            "states": env["res.country.state"].browse(values["country_state_ids"]),
        }

    def _penalty_rules_at(self, when):
        """The penalty clauses of these contracts in force for a ticket reported at
        ``when`` (naive UTC datetime), the ones amended since included."""
        when = fields.Datetime.to_datetime(when or fields.Datetime.now())
        return self.with_context(active_test=False).penalty_rule_ids.filtered(
            lambda rule: (rule.active or rule.date_to)
            and (not rule.date_from or rule.date_from <= when)
            and (not rule.date_to or when < rule.date_to)
        )

    # ------------------------------------------------------------------
    # Matching a ticket to its contracts
    # ------------------------------------------------------------------

    def _local_date(self, when):
        """The calendar day of UTC datetime ``when`` in the company's time zone
        (its partner's, else the user's, else UTC)."""
        tz_name = (
            self.env.company.partner_id.tz
            or self.env.context.get("tz")
            or self.env.user.tz
            or "UTC"
        )
        try:
            tz = pytz.timezone(tz_name)
        except pytz.UnknownTimeZoneError:
            tz = pytz.utc
        return pytz.utc.localize(when).astimezone(tz).date()

    def _covers_moment(self, when, terms=None):
        """Whether UTC datetime ``when`` falls within the contract's term (its
        calendar day in the company's time zone, up to the end date in force then
        and a termination date). ``terms``: :meth:`_get_terms_at` of ``when``, if
        already known."""
        self.ensure_one()
        when = fields.Datetime.to_datetime(when)
        terms = terms or self._get_terms_at(when)
        day = self._local_date(when)
        end = terms["date_end"]
        if self.termination_date:
            end = min(end, self.termination_date)
        return self.date_start <= day <= end

    def _covers_region(self, country, state, terms=None):
        """Whether the service region covers ``country``/``state``: the region of
        ``terms`` (:meth:`_get_terms_at`), else the current one."""
        self.ensure_one()
        countries = terms["countries"] if terms else self.country_ids
        states = terms["states"] if terms else self.country_state_ids
        if not (countries or states):
            return True
        if state and not country:
            country = state.country_id
        if not country:
            return True
        states_here = states.filtered(lambda s: s.country_id == country)
        if states_here:
            return bool(state) and state in states_here
        return country in countries

    @api.model
    def _match_for_ticket(
        self,
        partner,
        product=None,
        serial_number=None,
        when=None,
        country=None,
        state=None,
        service_type=None,
    ):
        """Active customer contracts that cover a ticket, by their terms in force
        at the time it is reported (amendments apply to tickets reported after
        them).

        :param partner: the ticket's customer (any contact of the company)
        :param product: ``product.product`` concerned, if known
        :param serial_number: serial number of the unit, if known
        :param when: naive UTC datetime the ticket is reported (default now); the
            contract's term must contain its day in the company's time zone
        :param country: ``res.country`` of the service site, if known
        :param state: ``res.country.state`` of the service site, if known
        :param service_type: ``aftersales.service.type`` asked for, if known
        :return: every matching contract; when some contract lists the serial
            number, only those. The caller decides what none or several mean.
        """
        if not partner:
            return self.browse()
        commercial = partner.commercial_partner_id
        when = fields.Datetime.to_datetime(when) if when else fields.Datetime.now()
        if isinstance(when, datetime) and when.tzinfo is not None:
            when = when.astimezone(pytz.utc).replace(tzinfo=None)
        elif not isinstance(when, datetime):
            when = datetime.combine(when, time.min)
        day = self._local_date(when)
        contracts = self.search(
            [
                ("state", "=", "active"),
                ("contract_type", "=", "customer"),
                ("partner_id", "child_of", commercial.id),
                ("date_start", "<=", day),
            ]
        )
        terms = {contract: contract._get_terms_at(when) for contract in contracts}
        contracts = contracts.filtered(
            lambda c: terms[c]["date_end"] >= day
            and c._covers_region(country, state, terms[c])
            and (
                not service_type
                or not terms[c]["service_types"]
                or service_type in terms[c]["service_types"]
            )
        )
        serial = (serial_number or "").strip().casefold()
        if not (product or serial):
            return contracts
        by_serial = contracts.filtered(
            lambda c: serial
            and any(
                (line_serial or "").strip().casefold() == serial
                for _product, line_serial in terms[c]["product_lines"]
            )
        )
        if by_serial:
            return by_serial
        return contracts.filtered(
            lambda c: not terms[c]["product_lines"]
            or (
                product
                and any(
                    line_product == product
                    for line_product, _serial in terms[c]["product_lines"]
                )
            )
        )

    # ------------------------------------------------------------------
    # Penalties
    # ------------------------------------------------------------------

    @api.depends(
        "penalty_total", "penalty_cap_amount", "penalty_cap_percent", "amount_value"
    )
    def _compute_penalty_cap_left(self):
        Penalty = self.env["aftersales.penalty"]
        counts = dict(
            Penalty._read_group(
                [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
            )
        )
        breaches = dict(
            Penalty._read_group(
                [("contract_id", "in", self.ids), ("sla_line_id", "!=", False)],
                ["contract_id"],
                ["sla_line_id:count_distinct"],
            )
        )
        for contract in self:
            caps = [
                cap
                for cap in (
                    contract.penalty_cap_amount,
                    contract.amount_value * contract.penalty_cap_percent / 100.0,
                )
                if cap
            ]
            contract.penalty_cap_left = (
                max(0.0, min(caps) - contract.penalty_total) if caps else 0.0
            )
            contract.penalty_count = counts.get(contract, 0)
            contract.breach_count = breaches.get(contract, 0)

    @api.constrains(
        "penalty_cap_percent", "penalty_period_cap_percent", "penalty_cap_amount"
    )
    def _check_penalty_caps(self):
        for contract in self:
            for percent in (
                contract.penalty_cap_percent,
                contract.penalty_period_cap_percent,
            ):
                if not 0 <= percent <= 100:
                    raise ValidationError(
                        self.env._("A penalty cap is a percentage between 0 and 100.")
                    )
            if (
                contract.penalty_cap_amount < 0
                or contract.penalty_period_cap_amount < 0
            ):
                raise ValidationError(self.env._("A penalty cap cannot be negative."))

    def _compute_penalty_totals(self):
        """Store the penalties assessed (not waived) on each contract."""
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT contract_id, coalesce(sum(amount), 0) FROM aftersales_penalty
                WHERE contract_id = ANY(%s) AND state != 'waived'
             GROUP BY contract_id""",
            [self.ids],
        )
        totals = dict(self.env.cr.fetchall())
        for contract in self.sudo():
            contract.penalty_total = totals.get(contract.id, 0.0)

    def action_view_penalties(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales_sla.aftersales_penalty_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {"default_contract_id": self.id}
        return action
