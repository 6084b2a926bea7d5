from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class AftersalesContract(models.Model):
    """Survey settings, indicator weights and KPI thresholds of a contract.

    KPI thresholds are contractual terms: while the contract is in force they
    change only through an amendment, and a period is evaluated against the
    thresholds in force when it began. Survey settings and indicator weights are
    operational settings: they can be changed while the contract is in force
    (changes are tracked); each answer is scored with the weights of the moment
    and each closed evaluation keeps the weights and thresholds it was judged
    with, in its ledger snapshot.
    """

    _inherit = "aftersales.contract"

    # Surveys ----------------------------------------------------------------
    indicator_template_id = fields.Many2one(
        "aftersales.indicator.template",
        string="Satisfaction Template",
        help="Where the survey and indicator weights were taken from.",
    )
    survey_id = fields.Many2one(
        "survey.survey",
        string="Satisfaction Survey",
        ondelete="restrict",
        tracking=True,
        help="Odoo survey sent to the customer; its questions map to indicators.",
    )
    survey_after_close = fields.Boolean(
        string="Survey Closed Tickets",
        tracking=True,
        help="Send the survey when a ticket of this contract is closed, to a sample.",
    )
    survey_sample_percent = fields.Float(
        string="Sample (%)",
        default=100.0,
        tracking=True,
        help="Share of closed tickets surveyed. The sample is reproducible: the same "
        "ticket is always in or out of it.",
    )
    survey_every_months = fields.Integer(
        string="Periodic Survey Every (Months)",
        tracking=True,
        help="Send the survey to the contract's survey contacts every N months "
        "(0: never).",
    )
    survey_next_date = fields.Date(
        string="Next Periodic Survey",
        copy=False,
        help="Day the next periodic survey is sent.",
    )
    survey_partner_ids = fields.Many2many(
        "res.partner",
        "aftersales_contract_survey_partner_rel",
        "contract_id",
        "partner_id",
        string="Survey Contacts",
        help="Who receives periodic surveys (empty: the customer).",
    )
    survey_reminder_days = fields.Integer(
        string="Remind After (Days)",
        default=3,
        help="Remind an unanswered invitation after this many days (0: never).",
    )
    survey_max_reminders = fields.Integer(string="Reminders at Most", default=2)
    survey_expiry_days = fields.Integer(
        string="Invitation Valid (Days)",
        default=14,
        help="A personal survey link can no longer be answered after this many days.",
    )
    survey_input_ids = fields.One2many(
        "survey.user_input", "aftersales_contract_id", string="Survey Invitations"
    )
    survey_sent_count = fields.Integer(compute="_compute_survey_counts")
    survey_answered_count = fields.Integer(compute="_compute_survey_counts")

    # Indicators and thresholds ----------------------------------------------
    indicator_ids = fields.One2many(
        "aftersales.contract.indicator",
        "contract_id",
        string="Indicator Weights",
        copy=True,
    )
    kpi_threshold_ids = fields.One2many(
        "aftersales.kpi.threshold", "contract_id", string="KPI Thresholds", copy=True
    )

    # Evaluations ------------------------------------------------------------
    evaluation_period = fields.Selection(
        [("month", "Monthly"), ("quarter", "Quarterly"), ("half_year", "Half-yearly")],
        tracking=True,
        help="Evaluate the contract's KPIs each period (empty: on demand only).",
    )
    kpi_manager_id = fields.Many2one(
        "res.users",
        string="KPI Owner",
        tracking=True,
        help="Gets the improvement activities of KPIs under threshold "
        "(empty: whoever closes the evaluation).",
    )
    evaluation_ids = fields.One2many(
        "aftersales.evaluation", "contract_id", string="Evaluations"
    )
    evaluation_count = fields.Integer(compute="_compute_evaluation_count")
    last_evaluation_id = fields.Many2one(
        "aftersales.evaluation",
        compute="_compute_last_evaluation",
        store=True,
        string="Latest Evaluation",
    )
    kpi_failed_count = fields.Integer(
        related="last_evaluation_id.failed_count",
        store=True,
        string="KPIs Under Threshold",
    )
    kpi_at_risk = fields.Boolean(
        compute="_compute_kpi_at_risk",
        store=True,
        index=True,
        string="At Risk",
        help="The latest evaluation (closed, or the running period's draft) has KPIs "
        "under threshold.",
    )
    last_satisfaction_index = fields.Float(
        related="last_evaluation_id.satisfaction_index",
        string="Satisfaction Index",
    )
    last_has_satisfaction_index = fields.Boolean(
        related="last_evaluation_id.has_satisfaction_index"
    )

    # Amendments ------------------------------------------------------------

    @api.model
    def _contractual_fields(self):
        return super()._contractual_fields() | {"kpi_threshold_ids"}

    @api.model
    def _amendable_fields(self):
        return [*super()._amendable_fields(), "kpi_threshold_ids"]

    @api.model
    def _amendment_line_fields(self):
        return dict(
            super()._amendment_line_fields(),
            kpi_threshold_ids=("sequence", "kpi", "threshold"),
        )

    @api.model
    def _time_bound_terms(self):
        return [*super()._time_bound_terms(), "kpi_threshold_ids"]

    def _terms_from_json(self, values):
        """Adds ``kpi_thresholds``: {kpi code: threshold} in force."""
        terms = super()._terms_from_json(values)
        terms["kpi_thresholds"] = {
            line["kpi"]: line["threshold"] for line in values["kpi_threshold_ids"]
        }
        return terms

    @api.depends("survey_input_ids.state")
    def _compute_survey_counts(self):
        groups = self.env["survey.user_input"]._read_group(
            [("aftersales_contract_id", "in", self.ids)],
            ["aftersales_contract_id", "state"],
            ["__count"],
        )
        sent, answered = {}, {}
        for contract, state, count in groups:
            sent[contract.id] = sent.get(contract.id, 0) + count
            if state == "done":
                answered[contract.id] = answered.get(contract.id, 0) + count
        for contract in self:
            contract.survey_sent_count = sent.get(contract.id, 0)
            contract.survey_answered_count = answered.get(contract.id, 0)

    def _compute_evaluation_count(self):
        groups = self.env["aftersales.evaluation"]._read_group(
            [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
        )
        counts = {contract.id: count for contract, count in groups}
        for contract in self:
            contract.evaluation_count = counts.get(contract.id, 0)

    @api.depends("evaluation_ids.date_to", "evaluation_ids.computed_at")
    def _compute_last_evaluation(self):
        for contract in self:
            evaluations = contract.evaluation_ids.filtered("computed_at")
            contract.last_evaluation_id = evaluations.sorted(
                lambda e: (e.date_to, e.id)
            )[-1:]

    @api.depends("last_evaluation_id.failed_count", "state")
    def _compute_kpi_at_risk(self):
        for contract in self:
            contract.kpi_at_risk = (
                contract.state == "active" and contract.kpi_failed_count > 0
            )

    @api.constrains(
        "survey_sample_percent",
        "survey_every_months",
        "survey_reminder_days",
        "survey_max_reminders",
        "survey_expiry_days",
    )
    def _check_survey_settings(self):
        for contract in self:
            if not 0 <= contract.survey_sample_percent <= 100:
                raise ValidationError(
                    self.env._(
                        "The survey sample of %(contract)s is a percentage between "
                        "0 and 100.",
                        contract=contract.display_name,
                    )
                )
            if (
                min(
                    contract.survey_every_months,
                    contract.survey_reminder_days,
                    contract.survey_max_reminders,
                    contract.survey_expiry_days,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._(
                        "Survey intervals, reminders and validity of %(contract)s "
                        "cannot be negative.",
                        contract=contract.display_name,
                    )
                )

    def _indicator_template_values(self):
        """The survey and the weights of the contract's template, as values."""
        self.ensure_one()
        template = self.indicator_template_id
        return {
            "survey_id": template.survey_id.id,
            "indicator_ids": [fields.Command.clear()]
            + [
                fields.Command.create(
                    {"indicator_id": line.indicator_id.id, "weight": line.weight}
                )
                for line in template.line_ids
            ],
        }

    @api.onchange("indicator_template_id")
    def _onchange_indicator_template_id(self):
        if self.indicator_template_id:
            self.update(self._indicator_template_values())

    def action_apply_indicator_template(self):
        """Replace the contract's survey and weights by its template's."""
        for contract in self:
            template = contract.indicator_template_id
            if not template:
                raise UserError(
                    self.env._(
                        "Choose a satisfaction template for %(contract)s first.",
                        contract=contract.display_name,
                    )
                )
            contract.write(contract._indicator_template_values())
        return True

    def _indicator_weights(self):
        """{indicator id: weight} of the contract."""
        self.ensure_one()
        return {line.indicator_id.id: line.weight for line in self.indicator_ids}

    def _kpi_thresholds(self, when=None):
        """{kpi code: threshold} of the contract, in force at ``when`` (naive UTC
        datetime; default: the current thresholds)."""
        self.ensure_one()
        if when:
            return self._get_terms_at(when)["kpi_thresholds"]
        return {line.kpi: line.threshold for line in self.kpi_threshold_ids}

    def action_view_evaluations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales_survey.action_aftersales_evaluation"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {"default_contract_id": self.id}
        return action

    def action_view_survey_results(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales_survey.action_aftersales_survey_score"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        return action

    def action_view_survey_inputs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales_survey.action_aftersales_survey_input"
        )
        action["domain"] = [("aftersales_contract_id", "=", self.id)]
        return action

    def action_evaluate(self):
        """Open the wizard that evaluates a period on demand."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales_survey.action_aftersales_evaluation_wizard"
        )
        action["context"] = {"default_contract_ids": self.ids}
        return action
