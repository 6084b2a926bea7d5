"""E-mails that follow the ledger.

:meth:`aftersales.event._append_events` hands the events it inserted to
:meth:`AftersalesEventNotification._queue_notifications`; the events whose type has
a template (:meth:`~AftersalesEventNotification._get_notification_templates`) are
posted on their subject's chatter, to the recipients of their type, just before the
transaction commits.
"""

import json
import logging
from collections import defaultdict, namedtuple

from odoo import api, models
from odoo.tools import clean_context

_logger = logging.getLogger(__name__)

#: Key of ``cr.precommit.data`` holding the events whose e-mail is still to send.
_NOTIFY_KEY = "aftersales.event.notify"

#: An event waiting for its notification (plain values: nothing to re-read).
_Notice = namedtuple(
    "_Notice", "event_id event_type res_model res_id payload reason occurred_at"
)


class AftersalesEventNotification(models.AbstractModel):
    """Which ledger events send an e-mail, to whom, and the sending itself."""

    _name = "aftersales.event.notification"
    _description = "Service Ledger Notifications"

    @api.model
    def _get_notification_templates(self):
        """{event type: mail.template xmlid} of the events that send an e-mail.

        Other addons add or replace entries (``super()`` then update the dict); an
        xmlid that does not resolve (template deleted) sends nothing. Which template
        goes to whom is :meth:`_get_notification_recipients`; the types of
        :meth:`_get_internal_notification_types` are internal notes.
        """
        return {
            "ticket.reported": "aftersales_sla.mail_template_ticket_received",
            "ticket.assigned": "aftersales_sla.mail_template_ticket_assigned",
            "sla.warning": "aftersales_sla.mail_template_sla_warning",
            "sla.breached": "aftersales_sla.mail_template_sla_breached",
            "ticket.resolved": "aftersales_sla.mail_template_ticket_resolved",
            "penalty.upheld": "aftersales_sla.mail_template_dispute_outcome",
            "penalty.waived": "aftersales_sla.mail_template_dispute_outcome",
        }

    @api.model
    def _get_internal_notification_types(self):
        """Event types whose e-mail is an internal note (``mail.mt_note``): only
        internal users ever receive them, never the customer or a portal user."""
        return {"sla.warning", "sla.breached"}

    def _queue_notifications(self, event_ids, vals_list):
        """Called by :meth:`_append_events` once its events are inserted: remember
        the events that send an e-mail, to send it just before the transaction
        commits (:meth:`_send_queued_notifications`, a pre-commit hook).

        Why before commit and not at once: the fact must be complete when the
        e-mail is rendered (a new ticket's SLA clocks are projected after its
        ``ticket.reported`` event, a resolution moves the stage after its event),
        and an e-mail belongs to the transaction that recorded the fact: a rolled
        back transaction sends nothing, a committed one sends exactly once. Costs
        one dictionary lookup per event for types that send nothing. The context
        key ``aftersales_no_notify`` (imports, bulk jobs, benchmarks) skips it.
        """
        if self.env.context.get("aftersales_no_notify"):
            return
        templates = self._get_notification_templates()
        notices = [
            _Notice(
                event_id,
                vals["event_type"],
                vals["res_model"],
                vals["res_id"],
                vals["payload"],
                vals["reason"],
                vals["occurred_at"],
            )
            for event_id, vals in zip(event_ids, vals_list, strict=True)
            if vals["event_type"] in templates and vals["res_model"] and vals["res_id"]
        ]
        if not notices:
            return
        precommit = self.env.cr.precommit
        pending = precommit.data.get(_NOTIFY_KEY)
        if pending is None:
            pending = precommit.data[_NOTIFY_KEY] = []
            precommit.add(self._send_queued_notifications)
        pending.extend(notices)

    def _send_queued_notifications(self):
        """Pre-commit hook: send the e-mails of the events queued so far."""
        notices = self.env.cr.precommit.data.pop(_NOTIFY_KEY, None)
        if notices:
            self._send_notifications(notices)

    def _send_notifications(self, notices):
        """Post each notice's template on its subject's chatter, as the system on
        behalf of the acting user, to the recipients of its type; the mails go
        through Odoo's mail queue.

        Subjects are read in one batch per model (prefetch): per event, only the
        recipients' check and, when there is someone to write to, the rendering
        cost queries. A template that fails to render is logged and skipped: the
        business transaction never fails because of an e-mail.
        """
        env = self.env(su=True, context=clean_context(self.env.context))
        Event = self.with_env(env)
        templates = Event._get_notification_templates()
        internal_types = Event._get_internal_notification_types()
        subjects = {}
        ids_by_model = defaultdict(list)
        for notice in notices:
            ids_by_model[notice.res_model].append(notice.res_id)
        for model, ids in ids_by_model.items():
            if model in env and hasattr(env[model], "message_post_with_source"):
                subjects.update(
                    ((model, record.id), record)
                    for record in env[model].browse(ids).exists()
                )
        skipped = defaultdict(int)
        for notice in notices:
            record = subjects.get((notice.res_model, notice.res_id))
            template = env.ref(templates.get(notice.event_type, ""), False) or None
            if record is None or template is None:
                continue
            payload = json.loads(notice.payload or "{}")
            internal = notice.event_type in internal_types
            partners = Event._get_notification_recipients(
                notice.event_type, record, payload, notice
            )
            if internal:
                partners = partners.filtered(
                    lambda partner: partner.user_ids
                    and not any(partner.user_ids.mapped("share"))
                )
            partners = partners.filtered("email")
            if not partners:
                skipped[notice.event_type] += 1
                continue
            Event._post_notification(
                record, template, partners, internal, notice, payload
            )
        if skipped:
            _logger.info(
                "Service ledger: no e-mail sent for %s (no recipient with an "
                "e-mail address)",
                ", ".join(
                    f"{count} {etype}" for etype, count in sorted(skipped.items())
                ),
            )

    def _post_notification(self, record, template, partners, internal, notice, payload):
        """Post ``template`` on ``record`` to ``partners``, in a savepoint: a failure
        is logged and leaves the transaction as it was."""
        render_context = self._get_notification_render_context(notice, payload)
        try:
            with self.env.cr.savepoint():
                record.with_context(**render_context).message_post_with_source(
                    template,
                    message_type="comment",
                    subtype_xmlid="mail.mt_note" if internal else "mail.mt_comment",
                    partner_ids=partners.ids,
                    force_send=False,
                )
        except Exception:  # pylint: disable=broad-except
            _logger.exception(
                "Service ledger: e-mail %s of event %s (%s) on %s could not be sent",
                template.name,
                notice.event_id,
                notice.event_type,
                record.display_name,
            )

    @api.model
    def _get_notification_render_context(self, notice, payload):
        """Context keys the templates read (``ctx`` in a template) to know which
        event they render: its id, type and reason, the SLA line it is about
        (warnings, breaches), a dispute's outcome."""
        return {
            "aftersales_event_id": notice.event_id,
            "aftersales_event_type": notice.event_type,
            "aftersales_event_reason": notice.reason or False,
            "aftersales_sla_line_id": payload.get("line") or False,
            "aftersales_outcome": payload.get("outcome")
            or ("waive" if notice.event_type == "penalty.waived" else False),
        }

    @api.model
    def _get_notification_recipients(self, event_type, record, payload, notice):
        """The partners to e-mail about an event (``record`` is its subject).

        - ``ticket.reported``, ``ticket.resolved``: the customer, i.e. the ticket's
          contact, else its customer (whichever has an e-mail address first);
        - ``ticket.assigned``: the same customer, naming the technician. The
          technician is not written to here: Odoo already e-mails a user assigned to
          a record ("You have been assigned to ..."), with the backend link. Nothing
          is sent on an unassignment, nor for an assignment already superseded in
          the same transaction;
        - ``sla.warning``: the assignee and the team leader (internal note);
        - ``sla.breached``: the assignee, the team leader and the contract's
          internal followers (its manager follows it; Odoo subscribes whoever
          created it), as an internal note. Not the customer: a breach is booked
          by a scheduled action, may be contested (pauses, corrections), and its
          consequence for the customer, the penalty, reaches them through the
          penalty statement and the portal;
        - ``penalty.upheld`` (upheld or reduced) and ``penalty.waived`` when it
          settles a dispute: the disputing party, i.e. the penalty's partner
          (customer or service partner) and the portal user who filed the dispute.
          A waiver of a penalty that was not in dispute sends nothing.

        Internal types keep internal users only, whatever an override returns.
        """
        Partner = self.env["res.partner"]
        if record._name == "aftersales.ticket":
            if event_type in ("ticket.reported", "ticket.resolved", "ticket.assigned"):
                if event_type == "ticket.assigned" and (
                    not record.user_id or payload.get("to") != record.user_id.id
                ):
                    return Partner
                return self._ticket_customer(record)
            if event_type in ("sla.warning", "sla.breached"):
                users = record.user_id | record.team_id.leader_id
                partners = users.filtered("active").partner_id
                if event_type == "sla.breached":
                    partners |= record.contract_id.message_partner_ids
                return partners
        if record._name == "aftersales.penalty" and event_type in (
            "penalty.upheld",
            "penalty.waived",
        ):
            return self._dispute_parties(record, notice)
        return Partner

    @api.model
    def _ticket_customer(self, ticket):
        """Whom a ticket's customer e-mails go to: its contact, else its customer,
        the first of them with an e-mail address."""
        people = ticket.contact_id | ticket.partner_id
        return people.filtered("email")[:1] or people[:1]

    @api.model
    def _dispute_parties(self, penalty, notice):
        """The partner of a disputed penalty and the portal user who disputed it,
        if ``notice`` settles that dispute (the last dispute step before it is the
        ``penalty.disputed`` event); else nobody."""
        steps = self.env["aftersales.event"].search(
            [
                ("res_model", "=", penalty._name),
                ("res_id", "=", penalty.id),
                ("event_type", "in", ("penalty.disputed", "penalty.upheld")),
                ("id", "<", notice.event_id),
            ],
            order="id desc",
            limit=1,
        )
        if notice.event_type == "penalty.waived" and (
            steps.event_type != "penalty.disputed"
        ):
            return self.env["res.partner"]
        filer = steps.author_id if steps.event_type == "penalty.disputed" else None
        partners = penalty.partner_id
        if filer and filer.share:
            partners |= filer.partner_id
        return partners
