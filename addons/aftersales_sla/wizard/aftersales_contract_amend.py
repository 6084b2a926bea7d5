from odoo import api, fields, models
from odoo.exceptions import UserError

#: Contract fields an amendment may change, as the wizard offers them.
AMENDABLE_FIELDS = (
    "sla_policy_id",
    "calendar_id",
    "amount_value",
    "date_end",
    "auto_accept_days",
    "service_type_ids",
)


class AftersalesContractAmend(models.TransientModel):
    """Amend a contract in force: new terms, effective from a date, with a reason.

    The new-value fields start from the contract's current terms (one compute each:
    a value given at creation protects only its own field); only those that differ
    when applying make up the amendment."""

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

    def action_apply(self):
        """Amend the contract; see ``aftersales.contract._apply_amendment``."""
        self.ensure_one()
        if not self.sla_policy_id or not self.calendar_id:
            raise UserError(
                self.env._("A contract in force keeps service hours and an SLA policy.")
            )
        self.contract_id._apply_amendment(
            {name: self[name] for name in AMENDABLE_FIELDS},
            self.effective_date,
            self.reason,
        )
        return {"type": "ir.actions.act_window_close"}
