from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import date_utils


class AftersalesSlaStatement(models.TransientModel):
    """An SLA statement of a contract for a period, on screen: breaches, penalties,
    totals against the caps, open disputes."""

    _name = "aftersales.sla.statement"
    _description = "After-Sales SLA Statement"

    @api.model
    def _default_period(self):
        """(first day, last day) of the period a statement shows when none is
        chosen: the previous complete calendar month, in the user's time zone.
        The wizard's defaults and the contract's print menu both use it."""
        last_month = fields.Date.context_today(self) - relativedelta(months=1)
        return (
            date_utils.start_of(last_month, "month"),
            date_utils.end_of(last_month, "month"),
        )

    def _default_date_from(self):
        return self._default_period()[0]

    def _default_date_to(self):
        return self._default_period()[1]

    contract_id = fields.Many2one("aftersales.contract", required=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    date_from = fields.Date(
        required=True, default=lambda self: self._default_date_from()
    )
    date_to = fields.Date(required=True, default=lambda self: self._default_date_to())
    penalty_ids = fields.Many2many("aftersales.penalty", compute="_compute_statement")
    breach_count = fields.Integer(compute="_compute_statement", string="Breaches")
    ticket_count = fields.Integer(
        compute="_compute_statement", string="Tickets Reported"
    )
    amount_assessed = fields.Monetary(compute="_compute_statement", string="Assessed")
    amount_confirmed = fields.Monetary(compute="_compute_statement", string="Confirmed")
    amount_invoiced = fields.Monetary(compute="_compute_statement", string="Invoiced")
    amount_waived = fields.Monetary(compute="_compute_statement", string="Waived")
    amount_disputed = fields.Monetary(compute="_compute_statement", string="Disputed")
    amount_clipped = fields.Monetary(
        compute="_compute_statement", string="Clipped by Caps"
    )
    cap_total = fields.Monetary(
        related="contract_id.penalty_total", string="Used over the Term"
    )
    cap_left = fields.Monetary(
        related="contract_id.penalty_cap_left", string="Cap Left"
    )

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for statement in self:
            if (
                statement.date_from
                and statement.date_to
                and statement.date_from > statement.date_to
            ):
                raise ValidationError(
                    self.env._("A statement period cannot end before it starts.")
                )

    @api.onchange("date_from", "date_to")
    def _onchange_period(self):
        # Said as soon as the user enters the dates; saving is refused by the
        # constraint above.
        if self.date_from and self.date_to and self.date_from > self.date_to:
            return {
                "warning": {
                    "title": self.env._("Check the period"),
                    "message": self.env._(
                        "A statement period cannot end before it starts."
                    ),
                }
            }
        return None

    @api.depends("contract_id", "date_from", "date_to")
    def _compute_statement(self):
        Penalty = self.env["aftersales.penalty"]
        for statement in self:
            if not (
                statement.contract_id and statement.date_from and statement.date_to
            ):
                statement.update(
                    {
                        "penalty_ids": False,
                        "breach_count": 0,
                        "ticket_count": 0,
                        "amount_assessed": 0.0,
                        "amount_confirmed": 0.0,
                        "amount_invoiced": 0.0,
                        "amount_waived": 0.0,
                        "amount_disputed": 0.0,
                        "amount_clipped": 0.0,
                    }
                )
                continue
            data = Penalty._statement(
                statement.contract_id, statement.date_from, statement.date_to
            )
            totals = data["totals"]
            statement.penalty_ids = data["penalties"]
            statement.breach_count = len(data["breaches"])
            statement.ticket_count = self.env["aftersales.ticket"].search_count(
                [
                    ("contract_id", "=", statement.contract_id.id),
                    (
                        "reported_at",
                        ">=",
                        fields.Datetime.to_datetime(statement.date_from),
                    ),
                    (
                        "reported_at",
                        "<",
                        fields.Datetime.to_datetime(statement.date_to)
                        + relativedelta(days=1),
                    ),
                ]
            )
            statement.amount_assessed = sum(totals.values())
            statement.amount_confirmed = totals.get("confirmed", 0.0)
            statement.amount_invoiced = totals.get("invoiced", 0.0)
            statement.amount_waived = totals.get("waived", 0.0)
            statement.amount_disputed = totals.get("disputed", 0.0)
            statement.amount_clipped = data["clipped"]

    def action_print(self):
        """Print the SLA statement of the wizard's contract and period."""
        self.ensure_one()
        action = self.env.ref(
            "aftersales_sla.action_report_sla_statement"
        ).report_action(
            self.contract_id,
            data={
                "contract_ids": self.contract_id.ids,
                "date_from": fields.Date.to_string(self.date_from),
                "date_to": fields.Date.to_string(self.date_to),
            },
            config=False,
        )
        # The wizard closes once the PDF is downloaded.
        action["close_on_report_download"] = True
        return action

    def action_send_by_email(self):
        """Open Odoo's mail composer on the contract with the statement template,
        like a quotation's "Send by e-mail": the user reviews the text (rendered in
        the partner's language) and the recipients before sending. The message is
        posted on the contract's chatter; the statement's PDF is attached when the
        statement report is installed.
        """
        self.ensure_one()
        template = self.env.ref(
            "aftersales_sla.mail_template_penalty_statement", raise_if_not_found=False
        )
        context = {
            "default_model": "aftersales.contract",
            "default_res_ids": self.contract_id.ids,
            "default_composition_mode": "comment",
            "default_template_id": template.id if template else False,
            "default_email_layout_xmlid": "mail.mail_notification_light",
            "force_email": True,
            # Read by the template: the figures of this statement.
            "aftersales_statement_id": self.id,
            "aftersales_date_from": fields.Date.to_string(self.date_from),
            "aftersales_date_to": fields.Date.to_string(self.date_to),
        }
        attachment = self._statement_pdf_attachment()
        if attachment:
            context["default_attachment_ids"] = [Command.set(attachment.ids)]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send SLA Statement"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": context,
        }

    def _statement_pdf_attachment(self):
        """The statement rendered as PDF, as an attachment for the composer (which
        moves it to the message when sent), or nothing when the statement report
        is not available."""
        self.ensure_one()
        report = self.env.ref(
            "aftersales_sla.action_report_sla_statement", raise_if_not_found=False
        )
        if not report:
            return self.env["ir.attachment"]
        content, report_type = report._render_qweb_pdf(
            report,
            res_ids=self.contract_id.ids,
            data={
                "contract_ids": self.contract_id.ids,
                "date_from": fields.Date.to_string(self.date_from),
                "date_to": fields.Date.to_string(self.date_to),
            },
        )
        name = self.env._(
            "SLA statement %(contract)s %(date_from)s - %(date_to)s.pdf",
            contract=self.contract_id.name,
            date_from=fields.Date.to_string(self.date_from),
            date_to=fields.Date.to_string(self.date_to),
        )
        return self.env["ir.attachment"].create(
            {
                "name": name.replace("/", "-"),
                "raw": content,
                # HTML when tests render reports without wkhtmltopdf.
                "mimetype": "application/pdf" if report_type == "pdf" else "text/html",
                "res_model": "mail.compose.message",
                "res_id": 0,
            }
        )
