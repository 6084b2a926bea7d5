import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_round
from odoo.tools.sql import create_index

from ..tools import kpi

_logger = logging.getLogger(__name__)

#: Contracts handled per call of the periodic-survey scheduled action.
PERIODIC_BATCH = 100
#: Invitations reminded per call of the reminder scheduled action.
REMINDER_BATCH = 500


class SurveyUserInput(models.Model):
    """An after-sales survey invitation: Odoo's personal survey link, sent for a
    contract (periodic) or a closed ticket, scored per indicator when answered.

    Invitations, reminders and scores are the system's work: they are written as
    superuser inside business methods, whoever triggered them (a technician closing
    a ticket, a customer answering on the website, the scheduler).
    """

    _inherit = "survey.user_input"

    aftersales_contract_id = fields.Many2one(
        "aftersales.contract",
        string="Contract",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    aftersales_ticket_id = fields.Many2one(
        "aftersales.ticket",
        string="Ticket",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    aftersales_trigger = fields.Selection(
        [
            ("ticket_closed", "Ticket closed"),
            ("periodic", "Periodic"),
            ("manual", "Sent by hand"),
        ],
        string="Sent Because",
        readonly=True,
    )
    aftersales_sent_at = fields.Datetime(string="Sent At", readonly=True, index=True)
    aftersales_reminder_count = fields.Integer(string="Reminders Sent", readonly=True)
    aftersales_reminded_at = fields.Datetime(string="Last Reminder", readonly=True)
    aftersales_scored = fields.Boolean(
        string="Scored",
        readonly=True,
        help="The answer gave a satisfaction index: at least one question mapped to "
        "a weighted indicator was answered.",
    )
    aftersales_index = fields.Float(
        string="Satisfaction Index",
        readonly=True,
        digits=(16, 2),
        aggregator="avg",
        help="Weighted mean of the indicator scores (0-100).",
    )
    aftersales_score_ids = fields.One2many(
        "aftersales.survey.score",
        "user_input_id",
        string="Indicator Scores",
        readonly=True,
    )
    aftersales_user_id = fields.Many2one(
        related="aftersales_ticket_id.user_id", string="Technician", store=True
    )
    aftersales_team_id = fields.Many2one(
        related="aftersales_ticket_id.team_id", string="Service Team", store=True
    )
    aftersales_is_open = fields.Boolean(
        string="Can Be Answered",
        compute="_compute_aftersales_is_open",
        help="Not answered yet and not expired.",
    )

    def init(self):
        # An evaluation reads a contract's answers of one period: an index on both
        # keeps it from scanning the contract's whole history.
        create_index(
            self.env.cr,
            "survey_user_input_aftersales_contract_end_idx",
            self._table,
            ["aftersales_contract_id", "end_datetime"],
            where="aftersales_contract_id IS NOT NULL",
        )
        # The contract form counts its surveys sent and answered (by state, under
        # the survey record rule): an index-only scan of this one, instead of
        # fetching every answer of the contract's history from the table.
        create_index(
            self.env.cr,
            "survey_user_input_aftersales_contract_state_idx",
            self._table,
            ["aftersales_contract_id", "state", "survey_id"],
            where="aftersales_contract_id IS NOT NULL",
        )

    @api.depends("state", "deadline")
    def _compute_aftersales_is_open(self):
        now = fields.Datetime.now()
        for user_input in self:
            user_input.aftersales_is_open = user_input.state != "done" and (
                not user_input.deadline or user_input.deadline > now
            )

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    @api.model
    def _aftersales_invite(self, contract, partners, trigger, ticket=None):
        """Invite ``partners`` to answer ``contract``'s survey; return the invitations.

        One personal answer (Odoo's ``_create_answer``, attempts not checked: a
        customer answers each invitation) per partner with an e-mail; partners
        without one are skipped (logged). Each gets the invitation e-mail and a
        ``survey.sent`` ledger event. The deadline is the contract's validity days
        from now (none when 0): Odoo's survey pages refuse answers after it.
        """
        contract.ensure_one()
        # sudo: the contract's survey settings, whoever sends (technicians too)
        contract = contract.sudo()
        if not contract.survey_id:
            raise UserError(
                self.env._(
                    "Contract %(contract)s has no satisfaction survey: choose one in "
                    "its survey settings first.",
                    contract=contract.display_name,
                )
            )
        # sudo: the ticket's contact, whoever sends (technicians too)
        ticket = (ticket or self.env["aftersales.ticket"]).sudo()
        now = fields.Datetime.now()
        deadline = (
            now + timedelta(days=contract.survey_expiry_days)
            if contract.survey_expiry_days
            else False
        )
        # sudo: invitations are the system's, whoever sends (technicians too)
        inputs = self.sudo().browse()
        # sudo: the invited partners' e-mail, whoever sends
        for partner in partners.sudo():
            if not partner.email:
                _logger.info(
                    "No survey for %s (contract %s): no e-mail address.",
                    partner.display_name,
                    contract.name,
                )
                continue
            inputs |= contract.survey_id._create_answer(
                partner=partner,
                check_attempts=False,
                aftersales_contract_id=contract.id,
                aftersales_ticket_id=ticket.id,
                aftersales_trigger=trigger,
                aftersales_sent_at=now,
                deadline=deadline,
            )
        if inputs:
            inputs._aftersales_send("aftersales_survey.mail_template_survey_invite")
            inputs._aftersales_append_sent_events()
        return inputs.with_env(self.env)

    def _aftersales_send(self, template_xmlid):
        """Send a template of this module to each invitation's partner."""
        # sudo: mail templates are read as the system, whoever sends
        template = self.env.ref(template_xmlid).sudo()
        template.send_mail_batch(
            self.ids, email_layout_xmlid="mail.mail_notification_light"
        )

    def _aftersales_append_sent_events(self):
        self.env["aftersales.event"]._append_events(
            [
                {
                    "event_type": "survey.sent",
                    "subject": user_input,
                    "company": user_input.aftersales_contract_id.company_id,
                    "payload": {
                        "contract": user_input.aftersales_contract_id.id,
                        "contract_name": user_input.aftersales_contract_id.name,
                        "ticket": user_input.aftersales_ticket_id.id or None,
                        "partner": user_input.partner_id.id,
                        "trigger": user_input.aftersales_trigger,
                        "survey": user_input.survey_id.id,
                        "deadline": fields.Datetime.to_string(user_input.deadline)
                        or None,
                    },
                }
                for user_input in self
            ]
        )

    @api.model
    def _aftersales_periodic_domain(self, today):
        return [
            ("state", "=", "active"),
            ("survey_every_months", ">", 0),
            ("survey_id", "!=", False),
            "|",
            ("survey_next_date", "=", False),
            ("survey_next_date", "<=", today),
        ]

    @api.model
    def _cron_aftersales_periodic(self, batch_size=PERIODIC_BATCH):
        """Scheduled action: send the periodic surveys that are due.

        Active contracts with a survey, sent every N months, whose next date is
        empty or reached: their survey contacts (else the customer) are invited,
        and the next date moves N months on from the previous next date (today for
        a first survey), as many times as needed to lie after today: missed periods
        are not sent late, and a second run the same day finds nothing due. One
        batch of contracts per call; Odoo's cron loop calls again while some remain.
        """
        today = fields.Date.context_today(self)
        Contract = self.env["aftersales.contract"]
        domain = self._aftersales_periodic_domain(today)
        contracts = Contract.search(
            domain, order="survey_next_date, id", limit=batch_size
        )
        for contract in contracts:
            try:
                with self.env.cr.savepoint():
                    self._aftersales_invite(
                        contract,
                        contract.survey_partner_ids or contract.partner_id,
                        "periodic",
                    )
            except UserError as error:
                # A survey Odoo refuses (archived, internal only): skip this period
                # rather than retry the same failure every run.
                _logger.warning(
                    "Periodic survey of %s not sent: %s", contract.name, error
                )
            step = relativedelta(months=contract.survey_every_months)
            next_date = (contract.survey_next_date or today) + step
            while next_date <= today:
                next_date += step
            contract.survey_next_date = next_date
        remaining = Contract.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(contracts), remaining=remaining)
        return contracts

    @api.model
    def _aftersales_due_reminders(self, now, limit=None):
        """Ids of the invitations due for a reminder (see the reminder cron)."""
        self.env.flush_all()
        query = SQL(
            """
            SELECT i.id
              FROM survey_user_input i
              JOIN aftersales_contract c ON c.id = i.aftersales_contract_id
             WHERE i.state IN ('new', 'in_progress')
               AND i.test_entry IS NOT TRUE
               AND (i.deadline IS NULL OR i.deadline > %(now)s)
               AND c.survey_reminder_days > 0
               AND COALESCE(i.aftersales_reminder_count, 0)
                   < COALESCE(c.survey_max_reminders, 0)
               AND COALESCE(i.aftersales_reminded_at, i.aftersales_sent_at)
                   <= %(now)s - make_interval(days => c.survey_reminder_days)
          ORDER BY i.id
             %(limit)s
            """,
            now=now,
            limit=SQL("LIMIT %s", limit) if limit else SQL(),
        )
        self.env.cr.execute(query)
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _cron_aftersales_reminders(self, batch_size=REMINDER_BATCH):
        """Scheduled action: remind unanswered, unexpired invitations.

        An invitation is reminded when its contract reminds (days > 0), fewer than
        the contract's maximum reminders went out, and the last reminder (else the
        invitation) is at least the contract's days old. Expired invitations are
        not reminded: Odoo's survey pages no longer accept their answers.
        """
        now = fields.Datetime.now()
        due = self.browse(self._aftersales_due_reminders(now, batch_size))
        if due:
            due._aftersales_send("aftersales_survey.mail_template_survey_reminder")
            for user_input in due:
                count = user_input.aftersales_reminder_count + 1
                user_input.write(
                    {"aftersales_reminder_count": count, "aftersales_reminded_at": now}
                )
        remaining = len(self._aftersales_due_reminders(now))
        self.env["ir.cron"]._notify_progress(done=len(due), remaining=remaining)
        return due

    # ------------------------------------------------------------------
    # Scoring
    # ------------------------------------------------------------------

    def _mark_done(self):
        """Score the after-sales answers once, when they become done."""
        todo = self.filtered(
            lambda user_input: user_input.aftersales_contract_id
            and not user_input.test_entry
            and user_input.state != "done"
        )
        result = super()._mark_done()
        if todo:
            # sudo: the portal respondent's answer is scored; he cannot write scores
            todo.sudo()._aftersales_score()
        return result

    def _aftersales_question_score(self, question):
        """0-100 score of one question from this answer's lines, or None."""
        lines = self.user_input_line_ids.filtered(
            lambda line: line.question_id == question and not line.skipped
        )
        qtype = question.question_type
        try:
            if qtype in ("simple_choice", "multiple_choice"):
                chosen = lines.filtered(
                    lambda line: line.answer_type == "suggestion"
                ).suggested_answer_id
                return kpi.question_score(
                    qtype,
                    answer_scores=chosen.mapped("answer_score"),
                    possible_scores=question.suggested_answer_ids.mapped(
                        "answer_score"
                    ),
                )
            line = lines.filtered(lambda line: line.answer_type == qtype)[:1]
            if not line:
                return None
            if qtype == "scale":
                return kpi.question_score(
                    qtype,
                    value=line.value_scale,
                    minimum=question.scale_min,
                    maximum=question.scale_max,
                )
            if qtype == "numerical_box":
                return kpi.question_score(
                    qtype,
                    value=line.value_numerical_box,
                    minimum=question.validation_min_float_value,
                    maximum=question.validation_max_float_value,
                )
        except kpi.ScoringError as error:
            # Refused when mapping (survey.question constraint); a survey changed
            # since must not break the customer's answer.
            _logger.warning(
                "Question %s of survey %s not scored: %s",
                question.id,
                question.survey_id.id,
                error,
            )
        return None

    def _aftersales_compute_scores(self, weights):
        """({indicator: score or None}, index or None) of this answer, with the
        contract's ``weights`` ({indicator id: weight}).

        Questions without indicator drop out; an unanswered question does not count
        in its indicator's mean, an indicator without answer does not count in the
        index (its weight is shared by the others). Indicators the contract does
        not weigh get a score but do not count in the index; a contract without
        weights gets no index.
        """
        self.ensure_one()
        questions = self.survey_id.question_ids.filtered("aftersales_indicator_id")
        question_scores = {
            question: self._aftersales_question_score(question)
            for question in questions
        }
        scores = kpi.indicator_scores(
            question_scores,
            {question: question.aftersales_indicator_id for question in questions},
        )
        index = None
        if sum(weights.values()) > 0:
            index = kpi.satisfaction_index(
                {indicator.id: score for indicator, score in scores.items()}, weights
            )
        return scores, index

    def _aftersales_score(self):
        """Store the indicator scores and index of these answers, and append one
        ``survey.answered`` event each."""
        entries = []
        for user_input in self:
            weights = user_input.aftersales_contract_id._indicator_weights()
            scores, index = user_input._aftersales_compute_scores(weights)
            ticket = user_input.aftersales_ticket_id
            answered = {
                indicator: score
                for indicator, score in scores.items()
                if score is not None
            }
            user_input.write(
                {
                    "aftersales_index": index or 0.0,
                    "aftersales_scored": index is not None,
                    "aftersales_score_ids": [
                        fields.Command.create(
                            {
                                "contract_id": user_input.aftersales_contract_id.id,
                                "ticket_id": ticket.id,
                                "user_id": ticket.user_id.id,
                                "team_id": ticket.team_id.id,
                                "indicator_id": indicator.id,
                                "score": score,
                                "weight": weights.get(indicator.id, 0.0),
                                "answered_at": user_input.end_datetime,
                            }
                        )
                        for indicator, score in answered.items()
                    ],
                }
            )
            entries.append(
                {
                    "event_type": "survey.answered",
                    "subject": user_input,
                    "company": user_input.aftersales_contract_id.company_id,
                    "payload": {
                        "contract": user_input.aftersales_contract_id.id,
                        "ticket": ticket.id or None,
                        "partner": user_input.partner_id.id or None,
                        "index": None
                        if index is None
                        else float_round(index, precision_digits=2),
                        "scores": {
                            indicator.code: float_round(score, precision_digits=2)
                            for indicator, score in answered.items()
                        },
                    },
                }
            )
        self.env["aftersales.event"]._append_events(entries)
