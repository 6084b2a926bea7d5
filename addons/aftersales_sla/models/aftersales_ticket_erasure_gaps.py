"""What the first erasure left behind on a ticket: its summary line (free text,
often the customer's name and address) and the mail traces of its erased messages
(outgoing e-mails, notifications, the record name and sender copied on each
message)."""

from odoo import api, models

from ..tools import door

TICKET = "aftersales.ticket"


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"  # pylint: disable=consider-merging-classes-inherited

    def _erase_personal_extra(self):
        """The summary line becomes "<number> (erased)": the number stays, the
        free text goes, with its tracking values."""
        counts = super()._erase_personal_extra()
        # sudo: the erasure (checked by its caller) reaches every record of the tickets
        tickets = self.sudo().with_context(tracking_disable=True)
        with door.opened(TICKET):
            # sudo: an erasure clears what the customer gave, whoever may edit it.
            for ticket in tickets:
                ticket.write(
                    {"name": self.env._("%s (erased)", ticket.number or ticket.id)}
                )
        # sudo: the tracking values of the summary line hold the old texts.
        trackings = (
            self.env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    ("mail_message_id.model", "=", TICKET),
                    ("mail_message_id.res_id", "in", tickets.ids),
                    ("field_id.name", "=", "name"),
                    ("field_id.model", "=", TICKET),
                ]
            )
        )
        counts["tracking"] = counts.get("tracking", 0) + len(trackings)
        trackings.unlink()
        return counts

    @api.model
    def _erase_chatter(self, model, ids, field_names=()):
        """Also the mail traces of the erased messages: their outgoing e-mails
        (``mail.mail``: body, recipients), their notifications (e-mail addresses,
        failure texts) and the record name copied on each message."""
        counts = super()._erase_chatter(model, ids, field_names)
        if not ids:
            return counts
        # sudo: every message of the record, whoever wrote it.
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", model), ("res_id", "in", list(ids))])
        )
        if not messages:
            return counts
        messages.write({"record_name": False})
        # sudo: the queue and the log of e-mails are the system's.
        Mail = self.env["mail.mail"].sudo().with_context(active_test=False)
        mails = Mail.search([("mail_message_id", "in", messages.ids)])
        if mails:
            # Flagged as notifications, their unlink keeps the (erased) message
            # instead of deleting it with them.
            mails.write({"is_notification": True})
            mails.unlink()
        # sudo: mail notifications are the system's, whoever erases
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search([("mail_message_id", "in", messages.ids)])
        )
        notifications.unlink()
        counts["mails"] = counts.get("mails", 0) + len(mails)
        return counts
