from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import html2plaintext

from odoo.addons.aftersales_sla.models.aftersales_sla_target import (
    PAUSE_DEFAULT_FIELDS,
)
from odoo.addons.aftersales_sla.models.aftersales_ticket import COMPLAINT_METRICS
from odoo.addons.aftersales_sla.tools import door, inputs

#: Where a complaint came in from, besides the channels every ticket has.
COMPLAINT_CHANNELS = [
    ("wechat", "WeChat"),
    ("in_person", "In Person"),
    ("consumer_association", "Consumer Association / 12315"),
]

#: Where a complaint stands with its complainant.
COMPLAINT_STATES = [
    ("open", "Open"),
    ("answered", "Answered"),
    ("confirmed", "Confirmed"),
    ("rejected", "Rejected"),
]

TICKET = "aftersales.ticket"
USER_GROUP = "aftersales_sla.group_aftersales_user"
MANAGER_GROUP = "aftersales_sla.group_aftersales_manager"

#: What a complaint is about: free while the complaint is not classified yet,
#: afterwards changed only by a new classification (recorded in the ledger).
COMPLAINT_LINK_FIELDS = (
    "complaint_category_id",
    "complaint_ticket_id",
    "complaint_user_id",
    "complaint_partner_id",
    "complaint_unit_id",
)
#: Written only by the complaint's business methods, for everyone.
COMPLAINT_GUARDED_FIELDS = (
    "complaint_state",
    "complaint_rejection_count",
    "complaint_escalation_level",
    "complaint_classified_at",
)
#: States in which the desk still owes the complainant an answer.
COMPLAINT_PENDING = ("open", "rejected")

#: The company setting giving each complaint metric's default target (hours).
DEFAULT_HOURS_FIELDS = {
    "complaint_response": "aftersales_complaint_response_hours",
    "complaint_feedback": "aftersales_complaint_feedback_hours",
}


class AftersalesTicket(models.Model):
    """A complaint is a ticket of a complaint service type: these fields say what
    it is about and where it stands with the complainant.

    The complaint desk's actions (classify, escalate, send the outcome) and the
    complainant's answer on the portal (confirm, reject) are recorded in the
    ledger; the fields they decide are written only by them (the one door)."""

    _inherit = "aftersales.ticket"

    channel = fields.Selection(
        selection_add=COMPLAINT_CHANNELS,
        ondelete={code: "set default" for code, _label in COMPLAINT_CHANNELS},
    )
    complaint_category_id = fields.Many2one(
        "aftersales.complaint.category",
        string="Complaint Category",
        index=True,
        tracking=True,
        ondelete="restrict",
    )
    complaint_ticket_id = fields.Many2one(
        "aftersales.ticket",
        string="Complained Ticket",
        index=True,
        tracking=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id), "
        "('company_id', '=', company_id), ('is_complaint', '=', False)]",
        help="The earlier ticket this complaint is about.",
    )
    complaint_user_id = fields.Many2one(
        "res.users",
        string="Complained Technician",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    complaint_partner_id = fields.Many2one(
        "res.partner",
        string="Complained Service Partner",
        index=True,
        tracking=True,
    )
    complaint_unit_id = fields.Many2one(
        "aftersales.unit",
        string="Complained Unit",
        index=True,
        tracking=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
    )
    complaint_state = fields.Selection(
        COMPLAINT_STATES, readonly=True, index=True, copy=False, tracking=True
    )
    complaint_outcome = fields.Html(
        string="Outcome",
        copy=False,
        help="The answer written to the complainant, who confirms or rejects it.",
    )
    complaint_rejection_count = fields.Integer(
        string="Outcome Rejections", readonly=True, copy=False
    )
    complaint_escalation_level = fields.Integer(
        string="Escalation Level", readonly=True, copy=False, index=True
    )
    complaint_classified_at = fields.Datetime(
        string="Classified At",
        readonly=True,
        copy=False,
        help="When the desk classified the complaint: from then on its category and "
        "what it is about change only by classifying it again, with a reason.",
    )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains(
        "complaint_ticket_id", "complaint_unit_id", "partner_id", "company_id"
    )
    def _check_complaint_links(self):
        for ticket in self:
            ticket._check_complaint_links_of(
                ticket.complaint_ticket_id, ticket.complaint_unit_id
            )

    def _check_complaint_links_of(self, complained, unit):
        """A complaint is about a ticket and a unit of its own customer."""
        for ticket in self:
            if complained and complained == ticket:
                raise ValidationError(self.env._("A complaint cannot be about itself."))
            # sudo: the customer and company of the complained ticket and unit,
            # whoever files the complaint.
            complained = complained.sudo()
            if complained and (
                complained.commercial_partner_id != ticket.commercial_partner_id
                or complained.company_id != ticket.company_id
            ):
                raise ValidationError(
                    self.env._(
                        "Complaint %(complaint)s can only be about a ticket of the "
                        "same customer and company; %(ticket)s is another "
                        "customer's.",
                        complaint=ticket.display_name,
                        ticket=complained.number,
                    )
                )
            # sudo: the unit's owner is compared, whoever files (portal customers too)
            unit = unit.sudo()
            if unit and unit.commercial_partner_id != ticket.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Complaint %(complaint)s can only be about a unit of its "
                        "customer; %(unit)s belongs to another customer.",
                        complaint=ticket.display_name,
                        unit=unit.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.onchange("complaint_ticket_id")
    def _onchange_complaint_ticket_id(self):
        for ticket in self:
            ticket.update(ticket._complaint_links_of(ticket.complaint_ticket_id))

    @api.model
    def _complaint_links_of(self, complained):
        """What a complaint about ``complained`` is also about: its technician,
        service partner and unit (as values to write)."""
        # sudo: the complained ticket's people and unit, whoever files.
        complained = complained.sudo()
        if not complained:
            return {}
        values = {
            "complaint_user_id": complained.user_id.id,
            "complaint_partner_id": complained.service_partner_id.id,
        }
        if "unit_id" in complained._fields:
            values["complaint_unit_id"] = complained.unit_id.id
        return values

    @api.model_create_multi
    def create(self, vals_list):
        if not door.is_open(TICKET):
            for vals in vals_list:
                preset = [
                    name
                    for name in COMPLAINT_GUARDED_FIELDS
                    if name in vals
                    and not door.is_empty(vals[name])
                    and not (name == "complaint_state" and vals[name] == "open")
                ]
                if preset:
                    door.refuse(self, preset)
        for vals in vals_list:
            if vals.get("complaint_ticket_id"):
                links = self._complaint_links_of(
                    self.browse(vals["complaint_ticket_id"])
                )
                for name, value in links.items():
                    if not vals.get(name):
                        vals[name] = value
        tickets = super().create(vals_list)
        tickets._complaint_start()
        return tickets

    def write(self, vals):
        if not door.is_open(TICKET):
            guarded = set(COMPLAINT_GUARDED_FIELDS).intersection(vals)
            if guarded:
                door.refuse(self, guarded)
            links = [name for name in COMPLAINT_LINK_FIELDS if name in vals]
            if links and self.filtered("complaint_classified_at"):
                door.refuse(
                    self,
                    links,
                    hint=self.env._(
                        "The complaint is classified: classify it again (with a "
                        "reason) to change what it is about."
                    ),
                )
            if "complaint_outcome" in vals and self.filtered(
                lambda ticket: ticket.complaint_state
                and ticket.complaint_state not in COMPLAINT_PENDING
            ):
                raise UserError(
                    self.env._(
                        "The outcome was sent to the complainant: it changes only "
                        "when the complainant rejects it."
                    )
                )
        result = super().write(vals)
        if "service_type_id" in vals:
            self._complaint_start()
        return result

    @door.opens(TICKET)
    def _complaint_start(self):
        """Complaint tickets start open with the complainant."""
        todo = self.filtered(lambda t: t.is_complaint and not t.complaint_state)
        if todo:
            todo.write({"complaint_state": "open"})

    @api.model
    def _complaint_init_states(self):
        """On installation: complaints reported before the desk existed stand
        open with their complainant (closed ones are left as they were)."""
        self.search(
            [
                ("is_complaint", "=", True),
                ("complaint_state", "=", False),
                ("state", "!=", "closed"),
            ]
        )._complaint_start()

    # ------------------------------------------------------------------
    # Clocks: the default complaint promise
    # ------------------------------------------------------------------

    def _targets_payload(self, terms=None):
        """A complaint's clocks: what its contract (or standard promise) says,
        else the company's default complaint promise (acknowledge within 24 h,
        resolve within 72 h, counted 24x7): a complaint is never without a
        deadline."""
        self.ensure_one()
        payload = super()._targets_payload(terms)
        if not self.is_complaint:
            return payload
        present = {target["metric"] for target in payload}
        # sudo: the company's setting decides the clocks, whoever files.
        company = self.sudo().company_id
        # sudo: the complaint clocks' pause reasons, whoever files (portal too)
        Reason = self.env["aftersales.pause.reason"].sudo()
        for metric in COMPLAINT_METRICS:
            hours = company[DEFAULT_HOURS_FIELDS[metric]]
            if metric in present or not hours:
                continue
            reasons = Reason.search([(PAUSE_DEFAULT_FIELDS[metric], "=", True)])
            payload.append(
                {
                    "metric": metric,
                    "target": None,
                    "seconds": int(round(hours * 3600)),
                    "calendar": None,
                    "warning": 80.0,
                    "pause_reasons": sorted(reasons.mapped("code")),
                    "source": "complaint_default",
                }
            )
        return payload

    def _reported_payload(self):
        payload = super()._reported_payload()
        if self.is_complaint:
            payload["complaint"] = self._complaint_classification_payload()
        return payload

    def _complaint_classification_payload(self):
        """What the ledger records of a classification: ids and codes only."""
        self.ensure_one()
        return {
            "category": self.complaint_category_id.code or None,
            "about_ticket": self.complaint_ticket_id.id or None,
            "about_technician": self.complaint_user_id.id or None,
            "about_partner": self.complaint_partner_id.id or None,
            "about_unit": self.complaint_unit_id.id or None,
        }

    # ------------------------------------------------------------------
    # The desk's actions
    # ------------------------------------------------------------------

    def _check_complaint(self, states=None):
        for ticket in self:
            if not ticket.is_complaint:
                raise UserError(
                    self.env._("%s is not a complaint.", ticket.display_name)
                )
            if states and ticket.complaint_state not in states:
                labels = dict(
                    self._fields["complaint_state"]._description_selection(self.env)
                )
                raise UserError(
                    self.env._(
                        "Complaint %(ticket)s is %(state)s: this is not possible now.",
                        ticket=ticket.display_name,
                        state=labels.get(ticket.complaint_state, "-"),
                    )
                )

    def _check_desk(self, manager=False):
        """The complaints desk: After-Sales users (managers for what only they
        decide) with write access to these complaints."""
        user = self.env.user
        group = MANAGER_GROUP if manager else USER_GROUP
        if not self.env.su and (user.share or not user.has_group(group)):
            raise AccessError(
                self.env._("Only After-Sales managers do this on a complaint.")
                if manager
                else self.env._("Only the complaints desk does this on a complaint.")
            )
        self.check_access("write")

    def action_complaint_classify(self, values=None, reason=None):
        """Classify the complaints: their category and what they are about
        (``values``: any of the link fields; the current ones otherwise). A
        complaint classified before needs a reason. Recorded as
        ``complaint.classified`` (ids and codes)."""
        self._check_desk()
        self._check_complaint()
        if values is not None and not isinstance(values, dict):
            raise ValidationError(
                self.env._("The classification is a mapping of field names to ids.")
            )
        clean = {}
        for name, value in (values or {}).items():
            if name not in COMPLAINT_LINK_FIELDS:
                raise ValidationError(
                    self.env._(
                        "%s is not part of a complaint's classification.",
                        str(name)[:60],
                    )
                )
            field = self._fields[name]
            clean[name] = (
                inputs.to_record(
                    self.env,
                    field.comodel_name,
                    value,
                    field.get_description(self.env)["string"],
                ).id
                if value
                else False
            )
        values = clean
        reason = inputs.to_text(self.env, reason, self.env._("Reason"))
        if self.filtered("complaint_classified_at") and not reason:
            raise UserError(
                self.env._(
                    "This complaint was classified before: say why it is "
                    "classified again."
                )
            )
        return self._complaint_classify(values, reason)

    @door.opens(TICKET)
    def _complaint_classify(self, values, reason=None):
        if "complaint_ticket_id" in values:
            links = self._complaint_links_of(
                self.browse(values["complaint_ticket_id"] or ())
            )
            for name, value in links.items():
                values.setdefault(name, value)
        for ticket in self:
            # Checked before anything is written.
            ticket._check_complaint_links_of(
                self.browse(
                    values.get("complaint_ticket_id", ticket.complaint_ticket_id.id)
                    or ()
                ),
                self.env["aftersales.unit"].browse(
                    values.get("complaint_unit_id", ticket.complaint_unit_id.id) or ()
                ),
            )
            if not values.get("complaint_category_id", ticket.complaint_category_id.id):
                raise UserError(
                    self.env._(
                        "Choose the category of complaint %s.", ticket.display_name
                    )
                )
        self.write(dict(values, complaint_classified_at=fields.Datetime.now()))
        self._append_ticket_events(
            "complaint.classified",
            lambda ticket: ticket._complaint_classification_payload(),
            reason=reason,
        )
        return True

    def action_complaint_escalate(self, level, reason):
        """A manager raises the complaints to ``level`` (a level record or id,
        above their current one), with a reason."""
        self._check_desk(manager=True)
        self._check_complaint(COMPLAINT_PENDING)
        level = inputs.to_record(
            self.env,
            "aftersales.complaint.escalation.level",
            level,
            self.env._("Escalation level"),
        )
        reason = inputs.to_text(self.env, reason, self.env._("Reason"), required=True)
        for ticket in self:
            if level.company_id and level.company_id != ticket.company_id:
                raise ValidationError(
                    self.env._(
                        "Escalation level %(level)s is another company's.",
                        level=level.name,
                    )
                )
            if level.level <= ticket.complaint_escalation_level:
                raise UserError(
                    self.env._(
                        "Complaint %(ticket)s is at level %(current)s already: "
                        "escalate it to a higher level.",
                        ticket=ticket.display_name,
                        current=ticket.complaint_escalation_level,
                    )
                )
        for ticket in self:
            ticket._complaint_escalate(level, reason=reason)
        return True

    @door.opens(TICKET)
    def _complaint_escalate(self, level, metric=None, percent=None, reason=None):
        """Raise this complaint to ``level`` (never down), record it and ask the
        level's people to act."""
        self.ensure_one()
        if level.level <= self.complaint_escalation_level:
            return False
        previous = self.complaint_escalation_level
        self.write({"complaint_escalation_level": level.level})
        self._append_ticket_events(
            "complaint.escalated",
            {
                "from": previous,
                "level": level.level,
                "level_id": level.id,
                "metric": metric,
                "elapsed_percent": round(percent, 1) if percent is not None else None,
                "manual": metric is None,
            },
            reason=reason,
        )
        users = level._users_to_notify(self.company_id)
        summary = self.env._(
            "Complaint escalated to level %(level)s: %(name)s",
            level=level.level,
            name=level.name,
        )
        if metric:
            metric_label = dict(
                self.env["aftersales.ticket.sla"]
                ._fields["metric"]
                ._description_selection(self.env)
            )[metric]
            note = self.env._(
                "%(percent)s%% of the %(metric)s target of complaint %(ticket)s "
                "has elapsed: see that the complainant gets an answer in time.",
                percent=round(percent),
                metric=metric_label,
                ticket=self.display_name,
            )
        else:
            note = self.env._("Escalated by hand: %(reason)s", reason=reason or "-")
        for user in users:
            # sudo: the escalation asks people the complaint may not be assigned to.
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=note,
                user_id=user.id,
            )
        return True

    def _complaint_most_urgent(self):
        """The running (or breached, still unanswered) complaint clock that has
        used most of its target: (metric, elapsed percent), or (None, 0)."""
        self.ensure_one()
        best = (None, 0.0)
        for line in self.sla_ids:
            if line.metric not in COMPLAINT_METRICS or not line.target_seconds:
                continue
            if line.state == "breached" and not line.met_at:
                percent = max(
                    100.0, line.live_elapsed_hours * 3600 * 100 / line.target_seconds
                )
            elif line.state == "running":
                percent = line.live_elapsed_hours * 3600 * 100 / line.target_seconds
            else:
                continue
            if percent > best[1]:
                best = (line.metric, percent)
        return best

    @api.model
    def _cron_complaint_escalation(self, batch_size=200):
        """Raise unanswered complaints to the highest escalation level whose
        threshold their most urgent complaint clock has passed (never down).
        Each batch is searched again: escalated complaints do not come back."""
        Level = self.env["aftersales.complaint.escalation.level"]
        levels = Level.search([], order="level desc")
        # The clocks' live values are as of now, not of an earlier computation.
        self.env["aftersales.ticket.sla"].invalidate_model(
            ["live_elapsed_hours", "is_overdue", "is_at_risk"]
        )
        if not levels:
            return
        top = max(levels.mapped("level"))
        domain = [
            ("is_complaint", "=", True),
            ("complaint_state", "in", COMPLAINT_PENDING),
            ("state", "=", "open"),
            ("complaint_escalation_level", "<", top),
            ("sla_ids.metric", "in", COMPLAINT_METRICS),
            ("sla_ids.state", "in", ("running", "breached")),
        ]
        last_id = 0
        while True:
            tickets = self.search(
                domain + [("id", ">", last_id)], order="id", limit=batch_size
            )
            if not tickets:
                break
            last_id = tickets[-1].id
            for ticket in tickets:
                metric, percent = ticket._complaint_most_urgent()
                if not metric:
                    continue
                level = levels.filtered(
                    lambda lv, t=ticket, p=percent: lv.company_id
                    in (
                        t.company_id,
                        self.env["res.company"],
                    )
                    and lv.threshold_percent <= p
                    and lv.level > t.complaint_escalation_level
                )[:1]
                if level:
                    ticket._complaint_escalate(level, metric, percent)
            if len(tickets) < batch_size:
                break

    def action_complaint_send_outcome(self):
        """Send the written outcome to the complainant: the complaint is answered,
        the ticket resolved (the feedback clock stops) and the complainant asked to
        confirm or reject it on the portal."""
        self._check_desk()
        self._check_complaint(COMPLAINT_PENDING)
        for ticket in self:
            if not html2plaintext(ticket.complaint_outcome or "").strip():
                raise UserError(
                    self.env._(
                        "Write the outcome of complaint %s before sending it.",
                        ticket.display_name,
                    )
                )
            if not ticket.complaint_classified_at:
                raise UserError(
                    self.env._(
                        "Classify complaint %s before answering it.",
                        ticket.display_name,
                    )
                )
        self._complaint_answer()
        return True

    @door.opens(TICKET)
    def _complaint_answer(self):
        self.write({"complaint_state": "answered"})
        self._append_ticket_events(
            "complaint.answered",
            lambda ticket: {"answer": ticket.complaint_rejection_count + 1},
        )
        self.filtered(lambda t: t.state == "open").action_resolve()
        for ticket in self:
            ticket._complaint_notify_outcome()

    def _complaint_complainant(self):
        """Who complained: the contact who filed the complaint, else the
        customer."""
        self.ensure_one()
        return self.contact_id or self.partner_id

    def _complaint_notify_outcome(self):
        self.ensure_one()
        complainant = self._complaint_complainant()
        # sudo: the complainant is told through the ticket's thread (a portal
        # link with its token), whoever on the desk sends it.
        ticket = self.sudo()
        ticket.message_subscribe(partner_ids=complainant.ids)
        ticket.message_post(
            body=self.env._(
                "The outcome of your complaint %(ticket)s: %(outcome)s "
                "Please confirm or reject it on your portal: %(url)s",
                ticket=self.number,
                outcome=html2plaintext(self.complaint_outcome or "").strip(),
                url=ticket.get_base_url() + ticket.get_portal_url(),
            ),
            partner_ids=complainant.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    # ------------------------------------------------------------------
    # The complainant's answer
    # ------------------------------------------------------------------

    def _complaint_is_complainant(self, user):
        """The complainant answers: the contact who filed the complaint (a person
        of the customer); a complaint filed for the customer as a whole (no
        contact) is answered by any user of that customer."""
        self.ensure_one()
        partner = user.partner_id
        if self.contact_id:
            return partner == self.contact_id
        return partner.commercial_partner_id == self.commercial_partner_id

    def _complaint_check_complainant(self):
        self.ensure_one()
        self.check_access("read")
        if not self._complaint_is_complainant(self.env.user):
            raise AccessError(
                self.env._(
                    "Only the complainant confirms or rejects the outcome of "
                    "complaint %s.",
                    self.display_name,
                )
            )
        self._check_complaint(("answered",))

    def _complaint_confirm_by_customer(self):
        """The complainant confirms the outcome (portal): the complaint is
        confirmed and the ticket accepted and closed."""
        self._complaint_check_complainant()
        # sudo: the complainant is checked above; written through the door
        return self.sudo()._complaint_confirm(self.env.user)

    def _complaint_reject_by_customer(self, reason):
        """The complainant rejects the outcome (portal), with a reason: the
        complaint is open again, the rejection counts and the ticket reopens."""
        self._complaint_check_complainant()
        reason = inputs.to_text(
            self.env, reason, self.env._("Reason"), required=True, max_length=2000
        )
        # sudo: the complainant is checked above; written through the door
        return self.sudo()._complaint_reject(self.env.user, reason)

    def action_complaint_record_confirmation(self, reason):
        """A manager records the complainant's confirmation given another way
        (by phone, in person), with a reason saying so."""
        self._check_desk(manager=True)
        self._check_complaint(("answered",))
        reason = inputs.to_text(self.env, reason, self.env._("Reason"), required=True)
        return self._complaint_confirm(self.env.user, reason=reason)

    @door.opens(TICKET)
    def _complaint_confirm(self, user, reason=None):
        self._check_complaint(("answered",))
        self.write({"complaint_state": "confirmed"})
        self._append_ticket_events(
            "complaint.confirmed",
            lambda ticket: {
                "by_partner": user.partner_id.id,
                "on_portal": bool(user.share),
            },
            reason=reason,
        )
        resolved = self.filtered(lambda t: t.state == "resolved")
        resolved._accept(acceptance="customer")
        return True

    @door.opens(TICKET)
    def _complaint_reject(self, user, reason):
        self._check_complaint(("answered",))
        for ticket in self:
            ticket.write(
                {
                    "complaint_state": "rejected",
                    "complaint_rejection_count": ticket.complaint_rejection_count + 1,
                }
            )
        self._append_ticket_events(
            "complaint.rejected",
            lambda ticket: {
                "by_partner": user.partner_id.id,
                "rejections": ticket.complaint_rejection_count,
            },
            reason=reason,
        )
        self.filtered(lambda t: t.state == "resolved").action_reopen(reason=reason)
        return True

    @door.opens(TICKET)
    def _accept(self, acceptance="customer", when=None, signoff=None):
        """An answered complaint waits for its complainant (or a manager recording
        their confirmation): it is never accepted automatically."""
        tickets = self
        if acceptance == "automatic":
            tickets = self.filtered(
                lambda ticket: not (
                    ticket.is_complaint and ticket.complaint_state == "answered"
                )
            )
            if not tickets:
                return True
        return super(AftersalesTicket, tickets)._accept(
            acceptance=acceptance, when=when, signoff=signoff
        )
