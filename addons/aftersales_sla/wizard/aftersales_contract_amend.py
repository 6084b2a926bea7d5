from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.aftersales_contract_caps import CAP_FIELDS
from ..models.aftersales_penalty_rule import RULE_TYPES
from ..models.aftersales_sla_target import METRICS, PRIORITIES


class AftersalesContractAmend(models.TransientModel):
    """Amend a contract in force: new terms, effective from a date, with a reason.

    Every amendable term of the contract (``aftersales.contract._amendable_fields``)
    starts from the contract's current value (one compute each: a value given at
    creation protects only its own field); one2many terms are editable copies of
    the contract's lines, each remembering the line it came from. Only the terms
    that differ when applying make up the amendment."""

    _name = "aftersales.contract.amend"
    _description = "Amend an After-Sales Contract"

    contract_id = fields.Many2one(
        "aftersales.contract", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="contract_id.currency_id")
    effective_date = fields.Datetime(
        required=True,
        default=fields.Datetime.now,
        help="Tickets reported from this moment on get the amended terms.",
    )
    reason = fields.Text(required=True)
    sla_policy_id = fields.Many2one(
        "aftersales.sla.policy",
        string="SLA Policy",
        compute="_compute_sla_policy_id",
        store=True,
        readonly=False,
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Service Hours",
        compute="_compute_calendar_id",
        store=True,
        readonly=False,
    )
    amount_value = fields.Monetary(
        string="Contract Value",
        currency_field="currency_id",
        compute="_compute_amount_value",
        store=True,
        readonly=False,
    )
    date_end = fields.Date(
        string="End Date", compute="_compute_date_end", store=True, readonly=False
    )
    auto_accept_days = fields.Integer(
        string="Automatic Acceptance (days)",
        compute="_compute_auto_accept_days",
        store=True,
        readonly=False,
    )
    service_type_ids = fields.Many2many(
        "aftersales.service.type",
        string="Services in Scope",
        compute="_compute_service_type_ids",
        store=True,
        readonly=False,
    )
    product_line_ids = fields.One2many(
        "aftersales.contract.amend.product",
        "wizard_id",
        string="Covered Products",
        compute="_compute_product_line_ids",
        store=True,
        readonly=False,
    )
    country_ids = fields.Many2many(
        "res.country",
        string="Countries",
        compute="_compute_country_ids",
        store=True,
        readonly=False,
    )
    country_state_ids = fields.Many2many(
        "res.country.state",
        string="States",
        compute="_compute_country_state_ids",
        store=True,
        readonly=False,
    )
    fee_line_ids = fields.One2many(
        "aftersales.contract.amend.fee",
        "wizard_id",
        string="Fee Schedule",
        compute="_compute_fee_line_ids",
        store=True,
        readonly=False,
    )
    annex_ids = fields.One2many(
        "aftersales.contract.amend.annex",
        "wizard_id",
        string="Annexes",
        compute="_compute_annex_ids",
        store=True,
        readonly=False,
    )
    penalty_rule_ids = fields.One2many(
        "aftersales.contract.amend.rule",
        "wizard_id",
        string="Penalty Clauses",
        compute="_compute_penalty_rule_ids",
        store=True,
        readonly=False,
    )
    penalty_cap_amount = fields.Monetary(
        string="Cap per Term",
        currency_field="currency_id",
        compute="_compute_penalty_cap_amount",
        store=True,
        readonly=False,
    )
    penalty_cap_percent = fields.Float(
        string="Cap per Term (% of Value)",
        compute="_compute_penalty_cap_percent",
        store=True,
        readonly=False,
    )
    penalty_period = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        string="Cap Period",
        compute="_compute_penalty_period",
        store=True,
        readonly=False,
    )
    penalty_period_cap_amount = fields.Monetary(
        string="Cap per Period",
        currency_field="currency_id",
        compute="_compute_penalty_period_cap_amount",
        store=True,
        readonly=False,
    )
    penalty_period_cap_percent = fields.Float(
        string="Cap per Period (% of Value)",
        compute="_compute_penalty_period_cap_percent",
        store=True,
        readonly=False,
    )

    # Caps: whether each applies (0 is then a cap of zero); see
    # models/aftersales_contract_caps.py.
    has_penalty_cap_amount = fields.Boolean(
        string="Capped per Term (Amount)",
        compute="_compute_has_penalty_caps",
        store=True,
        readonly=False,
    )
    has_penalty_cap_percent = fields.Boolean(
        string="Capped per Term (% of Value)",
        compute="_compute_has_penalty_caps",
        store=True,
        readonly=False,
    )
    has_penalty_period_cap_amount = fields.Boolean(
        string="Capped per Period (Amount)",
        compute="_compute_has_penalty_caps",
        store=True,
        readonly=False,
    )
    has_penalty_period_cap_percent = fields.Boolean(
        string="Capped per Period (% of Value)",
        compute="_compute_has_penalty_caps",
        store=True,
        readonly=False,
    )

    @api.depends("contract_id")
    def _compute_has_penalty_caps(self):
        for wizard in self:
            for flag, _value in CAP_FIELDS:
                wizard[flag] = wizard.contract_id[flag]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            for flag, value in CAP_FIELDS:
                if flag not in vals and vals.get(value):
                    vals[flag] = True
        return super().create(vals_list)

    @api.onchange(*(value for _flag, value in CAP_FIELDS))
    def _onchange_penalty_caps(self):
        """Entering a cap turns it on; a cap of 0 stays on if it was."""
        for flag, value in CAP_FIELDS:
            if self[value]:
                self[flag] = True

    @api.depends("contract_id")
    def _compute_sla_policy_id(self):
        for wizard in self:
            wizard.sla_policy_id = wizard.contract_id.sla_policy_id

    @api.depends("contract_id")
    def _compute_calendar_id(self):
        for wizard in self:
            wizard.calendar_id = wizard.contract_id.calendar_id

    @api.depends("contract_id")
    def _compute_amount_value(self):
        for wizard in self:
            wizard.amount_value = wizard.contract_id.amount_value

    @api.depends("contract_id")
    def _compute_date_end(self):
        for wizard in self:
            wizard.date_end = wizard.contract_id.date_end

    @api.depends("contract_id")
    def _compute_auto_accept_days(self):
        for wizard in self:
            wizard.auto_accept_days = wizard.contract_id.auto_accept_days

    @api.depends("contract_id")
    def _compute_service_type_ids(self):
        for wizard in self:
            wizard.service_type_ids = wizard.contract_id.service_type_ids

    @api.depends("contract_id")
    def _compute_product_line_ids(self):
        for wizard in self:
            wizard.product_line_ids = wizard._line_commands("product_line_ids")

    @api.depends("contract_id")
    def _compute_country_ids(self):
        for wizard in self:
            wizard.country_ids = wizard.contract_id.country_ids

    @api.depends("contract_id")
    def _compute_country_state_ids(self):
        for wizard in self:
            wizard.country_state_ids = wizard.contract_id.country_state_ids

    @api.depends("contract_id")
    def _compute_fee_line_ids(self):
        for wizard in self:
            wizard.fee_line_ids = wizard._line_commands("fee_line_ids")

    @api.depends("contract_id")
    def _compute_annex_ids(self):
        for wizard in self:
            wizard.annex_ids = wizard._line_commands("annex_ids")

    @api.depends("contract_id")
    def _compute_penalty_rule_ids(self):
        for wizard in self:
            wizard.penalty_rule_ids = wizard._line_commands("penalty_rule_ids")

    @api.depends("contract_id")
    def _compute_penalty_cap_amount(self):
        for wizard in self:
            wizard.penalty_cap_amount = wizard.contract_id.penalty_cap_amount

    @api.depends("contract_id")
    def _compute_penalty_cap_percent(self):
        for wizard in self:
            wizard.penalty_cap_percent = wizard.contract_id.penalty_cap_percent

    @api.depends("contract_id")
    def _compute_penalty_period(self):
        for wizard in self:
            wizard.penalty_period = wizard.contract_id.penalty_period

    @api.depends("contract_id")
    def _compute_penalty_period_cap_amount(self):
        for wizard in self:
            wizard.penalty_period_cap_amount = (
                wizard.contract_id.penalty_period_cap_amount
            )

    @api.depends("contract_id")
    def _compute_penalty_period_cap_percent(self):
        for wizard in self:
            wizard.penalty_period_cap_percent = (
                wizard.contract_id.penalty_period_cap_percent
            )

    def _line_names(self, term):
        return self.env["aftersales.contract"]._amendment_line_fields()[term]

    def _line_commands(self, term):
        """Commands filling one2many ``term`` with copies of the contract's lines."""
        self.ensure_one()
        commands = [Command.clear()]
        for line in self.contract_id[term]:
            vals = {"origin_id": line.id}
            for name in self._line_names(term):
                value = line[name]
                vals[name] = value.id if isinstance(value, models.BaseModel) else value
            commands.append(Command.create(vals))
        return commands

    def _amendment_values(self):
        """{term: new value} for ``aftersales.contract._apply_amendment``."""
        self.ensure_one()
        Contract = self.env["aftersales.contract"]
        line_terms = Contract._amendment_line_fields()
        values = {}
        for name in Contract._amendable_fields():
            if name not in line_terms:
                values[name] = self[name]
                continue
            values[name] = [
                dict(
                    {field: line[field] for field in line_terms[name]},
                    id=line.origin_id.id,
                )
                for line in self[name]
            ]
        return values

    def action_apply(self):
        """Amend the contract; see ``aftersales.contract._apply_amendment``."""
        self.ensure_one()
        if not self.sla_policy_id or not self.calendar_id:
            raise UserError(
                self.env._("A contract in force keeps service hours and an SLA policy.")
            )
        if not self.date_end:
            raise UserError(self.env._("A contract in force keeps an end date."))
        self.contract_id._apply_amendment(
            self._amendment_values(), self.effective_date, self.reason
        )
        return {"type": "ir.actions.act_window_close"}


class AftersalesContractAmendProduct(models.TransientModel):
    """A covered product (and serial number) as amended."""

    _name = "aftersales.contract.amend.product"
    _description = "Amend a Contract: Covered Product"

    wizard_id = fields.Many2one(
        "aftersales.contract.amend", required=True, ondelete="cascade"
    )
    origin_id = fields.Many2one("aftersales.contract.product", string="Replaces")
    product_id = fields.Many2one("product.product", string="Product", required=True)
    serial_number = fields.Char(
        help="Leave empty to cover every unit of the product; one line per serial."
    )
    note = fields.Char()


class AftersalesContractAmendFee(models.TransientModel):
    """A line of the fee schedule as amended."""

    _name = "aftersales.contract.amend.fee"
    _description = "Amend a Contract: Fee"

    wizard_id = fields.Many2one(
        "aftersales.contract.amend", required=True, ondelete="cascade"
    )
    origin_id = fields.Many2one("aftersales.contract.fee", string="Replaces")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    product_id = fields.Many2one("product.product", string="Service Product")
    name = fields.Char(
        string="Description",
        compute="_compute_name",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        compute="_compute_uom_id",
        store=True,
        readonly=False,
    )
    price_unit = fields.Monetary(
        string="Unit Price", currency_field="currency_id", default=0.0
    )

    @api.depends("product_id")
    def _compute_name(self):
        for fee in self:
            if fee.product_id:
                fee.name = fee.product_id.display_name
            else:
                fee.name = fee.name or False

    @api.depends("product_id")
    def _compute_uom_id(self):
        for fee in self:
            if fee.product_id:
                fee.uom_id = fee.product_id.uom_id
            else:
                fee.uom_id = fee.uom_id or False


class AftersalesContractAmendAnnex(models.TransientModel):
    """An annex as amended."""

    _name = "aftersales.contract.amend.annex"
    _description = "Amend a Contract: Annex"
    _order = "sequence, id"

    wizard_id = fields.Many2one(
        "aftersales.contract.amend", required=True, ondelete="cascade"
    )
    origin_id = fields.Many2one("aftersales.contract.annex", string="Replaces")
    sequence = fields.Integer(default=10)
    title = fields.Char(required=True)
    body = fields.Html(sanitize=True)


class AftersalesContractAmendRule(models.TransientModel):
    """A penalty clause as amended."""

    _name = "aftersales.contract.amend.rule"
    _description = "Amend a Contract: Penalty Clause"
    _order = "sequence, id"

    wizard_id = fields.Many2one(
        "aftersales.contract.amend", required=True, ondelete="cascade"
    )
    origin_id = fields.Many2one("aftersales.penalty.rule", string="Replaces")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Clause", required=True)
    rule_type = fields.Selection(RULE_TYPES, required=True, default="fixed")
    amount = fields.Monetary(
        help="Fixed: per breach. Per hour: per started business hour late."
    )
    percent = fields.Float(
        string="Percentage",
        help="Of the contract value per breach, or of the period fee for a KPI.",
    )
    max_per_ticket = fields.Monetary(
        string="Maximum per Ticket", help="Per-hour rules: at most this per clock."
    )
    metric = fields.Selection(
        METRICS, help="Only breaches of this metric (empty: all)."
    )
    priority = fields.Selection(PRIORITIES, help="Only tickets of this priority.")
    service_type_id = fields.Many2one(
        "aftersales.service.type", help="Only this service type."
    )
    kpi = fields.Char(
        string="KPI", help="For KPI rules: the indicator code (used by evaluations)."
    )
