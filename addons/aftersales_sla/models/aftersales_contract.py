"""After-sales service contracts: fields, constraints and CRUD.

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

The model is spread over several files along its seams:

- ``aftersales_contract.py``: fields, computes, constraints, CRUD (this file);
- ``aftersales_contract_lifecycle.py``: activate, suspend, resume, terminate, expire;
- ``aftersales_contract_terms.py``: amendments and the terms in force at a moment;
- ``aftersales_contract_matching.py``: which contracts cover a ticket;
- ``aftersales_contract_penalty.py``: penalty caps, totals and counts.
"""

import contextvars

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import door

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

CONTRACT = "aftersales.contract"

#: Fields only the contract's actions write (the one door): its state and
#: termination (each an event), its number, and the stored total of penalties (the
#: penalty engine, under the contract's row lock).
GUARDED_FIELDS = frozenset({"state", "termination_date", "penalty_total", "name"})

#: Who reads money on contracts and tickets: the contract value, fees, penalty
#: clauses and caps, the penalties assessed (managers, who imply auditor, auditors
#: and accountants; not technicians).
MONEY_READERS = "aftersales_sla.group_aftersales_auditor,account.group_account_invoice"
#: Who sees the penalties assessed on a contract.
PENALTY_READERS = MONEY_READERS

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
        groups=MONEY_READERS,
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

    # Penalties (liquidated damages)
    penalty_rule_ids = fields.One2many(
        "aftersales.penalty.rule", "contract_id", string="Penalty Clauses", copy=True
    )
    penalty_ids = fields.One2many(
        "aftersales.penalty", "contract_id", string="Penalties", groups=PENALTY_READERS
    )
    penalty_cap_amount = fields.Monetary(
        string="Cap per Term",
        help="At most this much in penalties over the term.",
        groups=MONEY_READERS,
    )
    penalty_cap_percent = fields.Float(
        string="Cap per Term (% of Value)",
        default=10.0,
        help="At most this share of the contract value over the term.",
        groups=MONEY_READERS,
    )
    penalty_period = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        string="Cap Period",
        default="month",
        required=True,
    )
    penalty_period_cap_amount = fields.Monetary(
        string="Cap per Period", groups=MONEY_READERS
    )
    penalty_period_cap_percent = fields.Float(
        string="Cap per Period (% of Value)", groups=MONEY_READERS
    )
    penalty_total = fields.Monetary(
        string="Penalties Assessed",
        readonly=True,
        copy=False,
        help="Sum of the penalties not waived (stored: the caps are checked against "
        "it under a row lock).",
        groups=PENALTY_READERS,
    )
    penalty_cap_left = fields.Monetary(
        string="Cap Left", compute="_compute_penalty_cap_left", groups=PENALTY_READERS
    )
    penalty_count = fields.Integer(
        compute="_compute_penalty_cap_left", groups=PENALTY_READERS
    )
    breach_count = fields.Integer(
        compute="_compute_penalty_cap_left", groups=PENALTY_READERS
    )
    ticket_ids = fields.One2many(
        "aftersales.ticket", "contract_id", string="Tickets", readonly=True
    )
    ticket_count = fields.Integer(
        compute="_compute_ticket_count",
        string="Tickets Count",
        help="The contract's tickets the user can see.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("amendment_ids")
    def _compute_amendment_count(self):
        for contract in self:
            contract.amendment_count = len(contract.amendment_ids)

    @api.depends("ticket_ids")
    @api.depends_context("uid")
    def _compute_ticket_count(self):
        # Counted under the user's record rules: a technician counts the tickets
        # the button opens for him.
        counts = dict(
            self.env["aftersales.ticket"]._read_group(
                [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
            )
        )
        for contract in self:
            contract.ticket_count = counts.get(contract, 0)

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
                # sudo: the calendars' holidays, read as the system whoever activates
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
        if not door.is_open(CONTRACT):
            for vals in vals_list:
                preset = [
                    name
                    for name in GUARDED_FIELDS
                    if name in vals
                    and not door.is_empty(vals[name])
                    and not (name == "state" and vals[name] == "draft")
                    and not (name == "name" and vals[name] == "New")
                ]
                if preset:
                    door.refuse(
                        self,
                        preset,
                        hint=self.env._(
                            "A contract starts as a draft and is numbered when "
                            "created; activate it when it is agreed."
                        ),
                    )
        for vals in vals_list:
            if vals.get("name", "New") == "New":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "aftersales.contract"
                ) or self.env._("New")
        return super().create(vals_list)

    @api.model
    def _make_sequence_gapless(self):
        """Number contracts from a gapless sequence: its number is taken in the
        transaction that saves the contract and rolled back with it, so a save
        that fails consumes no number. Called on every update of the module (the
        sequence is ``noupdate`` data); keeps the next number when switching."""
        sequence = self.env.ref(
            "aftersales_sla.seq_aftersales_contract", raise_if_not_found=False
        )
        if sequence and sequence.implementation != "no_gap":
            sequence.write(
                {
                    "implementation": "no_gap",
                    "number_next": sequence.number_next_actual or 1,
                }
            )

    def write(self, vals):
        if not door.is_open(CONTRACT):
            guarded = GUARDED_FIELDS.intersection(vals)
            if guarded:
                door.refuse(self, guarded)
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

    # ------------------------------------------------------------------
    # Reports
    # ------------------------------------------------------------------

    def _get_report_base_filename(self):
        """The printed contract's file name (the contract with its annexes), in
        the reader's language; also the portal download's."""
        self.ensure_one()
        return self.env._("Contract - %s", self.name)

    def _get_sla_statement_base_filename(self):
        """The printed SLA statement's file name: a second report of the same
        model, so not :meth:`_get_report_base_filename`."""
        self.ensure_one()
        return self.env._("SLA statement - %s", self.name)
