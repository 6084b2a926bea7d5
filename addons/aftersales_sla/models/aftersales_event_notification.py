"""E-mails that follow the ledger, never lost.

:meth:`aftersales.event._append_events` hands the events it inserted to
:meth:`AftersalesEventNotification._queue_notifications`, which records one row of
this model per event whose type has a template, in the same transaction as the
event: the row exists if and only if the event committed. Delivery happens after
the commit, each notification in a transaction of its own that posts the template
on the event's subject (chatter + e-mail through Odoo's mail queue) and marks the
row sent, so a notification is delivered exactly once:

- right after the appending transaction commits (a post-commit hook, on a
  connection of its own), which is when customers expect the e-mail;
- by a scheduled action every minute (and triggered when a delivery is deferred),
  for whatever the hook could not deliver: a conflict with a concurrent
  transaction (two requests posting on the same customer), a server stopped
  between the commit and the hook, a template that failed.

Transient database conflicts (serialization failures, deadlocks, lock timeouts)
are retried with a growing delay and never give up; any other error is retried
:data:`MAX_ATTEMPTS` times, then the notification is marked *failed* with its
error, for the After-Sales managers to see, fix and retry. Two workers never
deliver the same row: each takes it ``FOR UPDATE SKIP LOCKED`` in a fresh
transaction and only while it is still pending.
"""

import contextvars
import json
import logging
import random
import threading
import time
from collections import namedtuple
from contextlib import closing, contextmanager
from datetime import timedelta

import psycopg2
import psycopg2.errors

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError
from odoo.sql_db import db_connect

from ..tools.quiet_sql import quiet_sql

_logger = logging.getLogger(__name__)

#: An event waiting for its notification (plain values: nothing to re-read).
_Notice = namedtuple(
    "_Notice", "event_id event_type res_model res_id payload reason occurred_at"
)

#: Set by :func:`notifications_silenced`: events appended meanwhile send nothing.
#: A context variable, not an Odoo context key, so that no RPC caller can silence
#: the e-mails of what it does.
_SILENCED = contextvars.ContextVar("aftersales_notifications_silenced", default=False)

#: Errors that say "another transaction got there first": retried, never final.
TRANSIENT_ERRORS = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.DeadlockDetected,
    psycopg2.errors.LockNotAvailable,
)

#: How many times a notification that fails for another reason (a template that
#: does not render...) is tried before it is marked failed.
MAX_ATTEMPTS = 3

#: How many times the post-commit hook retries a transient conflict at once before
#: leaving the notification to the scheduled action.
POSTCOMMIT_RETRIES = 3


@contextmanager
def notifications_silenced():
    """Append events without e-mails (imports, history, demo data, benchmarks).
    Server-side code only: no RPC call can enter it."""
    token = _SILENCED.set(True)
    try:
        yield
    finally:
        _SILENCED.reset(token)


def _retry_delay(attempts, transient):
    """Seconds to wait before the next try: 5 s, 10 s, 20 s, 40 s, then every
    minute for conflicts (they pass with the load that causes them); 1 min, 5 min,
    25 min for other errors."""
    if transient:
        return min(60, 5 * 2 ** max(0, attempts - 1))
    return 60 * 5 ** max(0, attempts - 1)


class AftersalesEventNotification(models.Model):
    """One e-mail to send because of one ledger event: the queue."""

    _name = "aftersales.event.notification"
    _description = "Service Ledger Notification"
    _order = "id desc"
    _rec_name = "event_id"

    event_id = fields.Many2one(
        "aftersales.event",
        string="Event",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    event_type = fields.Selection(
        related="event_id.event_type", string="Event Type", readonly=True
    )
    res_model = fields.Char(string="Subject Model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Subject ID", model_field="res_model", readonly=True
    )
    state = fields.Selection(
        [
            ("pending", "To Send"),
            ("sent", "Sent"),
            ("skipped", "Nothing to Send"),
            ("failed", "Failed"),
        ],
        required=True,
        default="pending",
        readonly=True,
        help="Nothing to Send: no recipient with an e-mail address, or the subject "
        "or the template no longer exists. Failed: the e-mail could not be made; "
        "see the error, fix the template and retry.",
    )
    attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(
        string="Next Attempt", readonly=True, default=fields.Datetime.now
    )
    last_error = fields.Text(string="Error", readonly=True)
    sent_at = fields.Datetime(readonly=True)
    message_id = fields.Many2one(
        "mail.message", string="Message", readonly=True, ondelete="set null"
    )

    def init(self):
        # Delivery reads only what is pending: keep that index small.
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS aftersales_event_notification_pending_idx
                   ON aftersales_event_notification (next_attempt_at, id)
                WHERE state = 'pending'"""
        )

    # ------------------------------------------------------------------
    # Which events send what
    # ------------------------------------------------------------------

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

    # ------------------------------------------------------------------
    # Queueing: in the event's transaction
    # ------------------------------------------------------------------

    @api.model
    def _queue_notifications(self, event_ids, vals_list):
        """Called by :meth:`aftersales.event._append_events` once its events are
        inserted: record a notification for each event that sends an e-mail, in
        this transaction, and deliver them once it has committed.

        Why after the commit: the fact must be complete when the e-mail is
        rendered (a new ticket's SLA clocks are projected after its
        ``ticket.reported`` event), and an e-mail belongs to the transaction that
        recorded the fact: a rolled back transaction sends nothing, a committed one
        sends exactly once, whatever happens to the delivery. Costs one dictionary
        lookup per event for types that send nothing.
        """
        if _SILENCED.get():
            return self.browse()
        templates = self._get_notification_templates()
        rows = [
            {
                "event_id": event_id,
                "company_id": vals["company_id"],
                "res_model": vals["res_model"],
                "res_id": vals["res_id"],
            }
            for event_id, vals in zip(event_ids, vals_list, strict=True)
            if vals["event_type"] in templates and vals["res_model"] and vals["res_id"]
        ]
        if not rows:
            return self.browse()
        # The queue is the application's: no user writes it.
        # sudo: the queue is the application's: no user writes it
        notifications = self.sudo().create(rows)
        self._deliver_after_commit(notifications.ids)
        return notifications

    def _deliver_after_commit(self, ids):
        data = self.env.cr.postcommit.data
        pending = data.get("aftersales.event.notification")
        if pending is None:
            pending = data["aftersales.event.notification"] = []
            self.env.cr.postcommit.add(
                lambda: _deliver_postcommit(self.env.cr.dbname, pending)
            )
        pending.extend(ids)

    # ------------------------------------------------------------------
    # Delivery: after the commit, one transaction per notification
    # ------------------------------------------------------------------

    @api.model
    def _deliver(self, ids, commit=True):
        """Deliver the pending notifications ``ids``, each in a transaction of its
        own when ``commit`` (without it, under tests, in savepoints of the current
        transaction).

        :return: how many were ``sent``, ``skipped`` (nothing to send), met a
            ``conflict`` or another error (``retry``: both are tried again later),
            ``failed`` for good, or were ``busy`` (delivered or being delivered
            by another worker).
        """
        counts = dict.fromkeys(
            ("sent", "skipped", "conflict", "retry", "failed", "busy"), 0
        )
        cr = self.env.cr
        for notification_id in ids:
            try:
                # A lost race is expected and handled here (and the error kept on
                # the notification): keep it out of the log, where odoo.sql_db
                # would report it as a bad query.
                with quiet_sql():
                    if commit:
                        outcome = self._deliver_one(notification_id)
                        self.env.flush_all()
                        cr.commit()  # pylint: disable=invalid-commit
                    else:
                        with cr.savepoint():
                            outcome = self._deliver_one(notification_id)
            except TRANSIENT_ERRORS as error:
                # Another transaction wrote what the e-mail touches (the customer,
                # the ticket's followers...): nothing of this try is kept; it is
                # tried again later, from a fresh snapshot.
                if commit:
                    cr.rollback()
                self.env.invalidate_all()
                outcome = self._record_conflict(notification_id, error)
                if commit:
                    cr.commit()  # pylint: disable=invalid-commit
            counts[outcome] += 1
        return counts

    def _lock_pending(self, notification_id):
        """Lock the notification if it is still pending and nobody else holds it."""
        self.env.cr.execute(
            """SELECT id FROM aftersales_event_notification
                WHERE id = %s AND state = 'pending'
                  FOR NO KEY UPDATE SKIP LOCKED""",
            [notification_id],
        )
        return bool(self.env.cr.fetchone())

    def _deliver_one(self, notification_id):
        if not self._lock_pending(notification_id):
            return "busy"  # delivered, or being delivered by another worker
        notification = self.browse(notification_id)
        notification.invalidate_recordset()
        try:
            with self.env.cr.savepoint():
                message = notification._send()
        except TRANSIENT_ERRORS:
            raise
        except Exception as error:  # pylint: disable=broad-except
            # Whatever fails in the template or the mail layer must not lose the
            # notification: it is kept, with its error, and tried again.
            return notification._record_failure(error, transient=False)
        notification.write(
            {
                "state": "sent" if message else "skipped",
                "attempts": notification.attempts + 1,
                "sent_at": fields.Datetime.now(),
                "message_id": message.id if message else False,
                "last_error": False,
            }
        )
        return "sent" if message else "skipped"

    def _record_conflict(self, notification_id, error):
        """After a conflict rolled the try back: count it and schedule the next one,
        unless another worker delivered or holds the notification meanwhile."""
        try:
            with self.env.cr.savepoint(flush=False), quiet_sql():
                if not self._lock_pending(notification_id):
                    return "busy"
                self.browse(notification_id)._record_failure(error, transient=True)
                return "conflict"
        except TRANSIENT_ERRORS:
            return "busy"  # someone else changed it since our snapshot

    def _record_failure(self, error, transient):
        self.ensure_one()
        attempts = self.attempts + 1
        final = not transient and attempts >= MAX_ATTEMPTS
        self.write(
            {
                "attempts": attempts,
                "last_error": str(error)[:2000],
                "state": "failed" if final else "pending",
                "next_attempt_at": fields.Datetime.now()
                + timedelta(seconds=_retry_delay(attempts, transient)),
            }
        )
        self.flush_recordset()
        event = self.event_id
        if final:
            _logger.error(
                "Service ledger: e-mail of event %s (%s) on %s,%s could not be sent "
                "after %d attempts: %s",
                event.id,
                event.event_type,
                self.res_model,
                self.res_id,
                attempts,
                error,
            )
            return "failed"
        _logger.log(
            logging.INFO if transient else logging.WARNING,
            "Service ledger: e-mail of event %s (%s) could not be sent (attempt %d, "
            "retried later): %s",
            event.id,
            event.event_type,
            attempts,
            error,
        )
        return "retry"

    def _send(self):
        """Post the template of this notification's event on its subject, to the
        recipients of its type, as the system in the name of the event's author.

        :return: the ``mail.message`` posted, or None when there is nothing to send
            (no recipient with an e-mail address, subject or template gone).
        """
        self.ensure_one()
        # sudo: the notified event, whoever's transaction delivers it
        event = self.event_id.sudo()
        author = event.author_id if event.author_id.active else self.env.user
        env = self.env(user=author.id, su=True, context={})
        notifier = self.with_env(env)
        template = env.ref(
            notifier._get_notification_templates().get(event.event_type, ""), False
        )
        model = env[self.res_model] if self.res_model in env else None
        if (
            not template
            or model is None
            or not hasattr(model, "message_post_with_source")
        ):
            return None
        record = model.browse(self.res_id).exists()
        if not record:
            return None
        notice = _Notice(
            event.id,
            event.event_type,
            event.res_model,
            event.res_id,
            # The typed texts, not the ledger's tokens: the e-mail tells them.
            json.dumps(event._resolved_payload()),
            event.reason_text or None,
            event.occurred_at,
        )
        payload = json.loads(notice.payload or "{}")
        internal = notice.event_type in notifier._get_internal_notification_types()
        partners = notifier._get_notification_recipients(
            notice.event_type, record, payload, notice
        )
        if internal:
            partners = partners.filtered(
                lambda partner: partner.user_ids
                and not any(partner.user_ids.mapped("share"))
            )
        partners = partners.filtered("email")
        if not partners:
            _logger.info(
                "Service ledger: no e-mail sent for 1 %s (no recipient with an "
                "e-mail address)",
                notice.event_type,
            )
            return None
        render_context = notifier._get_notification_render_context(notice, payload)
        return record.with_context(**render_context).message_post_with_source(
            template,
            message_type="comment",
            subtype_xmlid="mail.mt_note" if internal else "mail.mt_comment",
            partner_ids=partners.ids,
            force_send=False,
        )

    @api.model
    def _cron_deliver(self, batch_size=200):
        """Scheduled action: deliver the notifications whose time has come, one
        batch per call (Odoo 18's cron loop calls again while work remains)."""
        testing = getattr(threading.current_thread(), "testing", False)
        self.env.cr.execute(
            """SELECT id FROM aftersales_event_notification
                WHERE state = 'pending' AND next_attempt_at <= %s
             ORDER BY id LIMIT %s""",
            [fields.Datetime.now(), batch_size + 1],
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        counts = self._deliver(ids[:batch_size], commit=not testing)
        done = sum(counts.values())
        self.env["ir.cron"]._notify_progress(
            done=done, remaining=max(0, len(ids) - batch_size)
        )
        if counts["retry"] or counts["conflict"]:
            self._trigger_delivery()
        return counts

    @api.model
    def _trigger_delivery(self):
        """Have the scheduled action run when the next retry is due."""
        self.env.cr.execute(
            """SELECT min(next_attempt_at) FROM aftersales_event_notification
                WHERE state = 'pending'"""
        )
        due = self.env.cr.fetchone()[0]
        cron = self.env.ref("aftersales_sla.ir_cron_aftersales_notify", False)
        if due and cron:
            # sudo: only administrators trigger scheduled actions
            cron.sudo()._trigger(max(due, fields.Datetime.now()))

    def action_retry(self):
        """Managers: send failed notifications again (after fixing the template)."""
        if not self.env.user.has_group("aftersales_sla.group_aftersales_manager"):
            raise AccessError(
                self.env._("Only After-Sales managers can retry notifications.")
            )
        self.check_access("read")
        failed = self.filtered(lambda n: n.state == "failed")
        # The queue's state is the application's: written as the system.
        # sudo: the queue's state is the application's (manager checked above)
        failed.sudo().write(
            {
                "state": "pending",
                "attempts": 0,
                "next_attempt_at": fields.Datetime.now(),
            }
        )
        self._deliver_after_commit(failed.ids)
        return True

    # ------------------------------------------------------------------
    # Recipients and rendering
    # ------------------------------------------------------------------

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


def _deliver_postcommit(dbname, ids):
    """Post-commit hook: deliver what the committed transaction queued, on a
    connection of its own; a conflict is retried a few times at once, then left to
    the scheduled action."""
    if not ids:
        return
    remaining = sorted(set(ids))
    try:
        with closing(db_connect(dbname).cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Notification = env["aftersales.event.notification"]
            for attempt in range(POSTCOMMIT_RETRIES):
                counts = Notification._deliver(remaining, commit=True)
                if not counts["conflict"]:
                    break
                cr.execute(
                    """SELECT id FROM aftersales_event_notification
                        WHERE id = ANY(%s) AND state = 'pending'""",
                    [remaining],
                )
                remaining = [row[0] for row in cr.fetchall()]
                cr.commit()  # pylint: disable=invalid-commit
                if not remaining:
                    break
                # Let the concurrent transaction finish, then retry from a fresh
                # snapshot.
                time.sleep(random.uniform(0.05, 0.3) * (attempt + 1))
            if counts["conflict"] or counts["retry"]:
                Notification._trigger_delivery()
                cr.commit()  # pylint: disable=invalid-commit
    except psycopg2.Error:
        # Never fail the user's (already committed) request for this: the queue
        # keeps the notifications and the scheduled action delivers them.
        _logger.info("Service ledger: post-commit delivery deferred", exc_info=True)
