from odoo import models

from odoo.addons.aftersales_sla.tools import door

APPOINTMENT = "aftersales.appointment"


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"  # pylint: disable=consider-merging-classes-inherited

    def _erase_personal_extra(self):
        """The visits' reschedule reasons (typed from what the customer said) and
        their chatter. The site address is a partner of the customer's:
        pseudonymised with it by an erasure request."""
        counts = super()._erase_personal_extra()
        # sudo: the erasure (checked by its caller) reaches every visit.
        appointments = self.sudo().appointment_ids.filtered("reason")
        if appointments:
            with door.opened(APPOINTMENT):
                appointments.write({"reason": False})
        # sudo: the erasure (checked by its caller) reaches every visit
        visits = self.sudo().appointment_ids
        if visits and "message_ids" in visits._fields:
            chatter = self._erase_chatter(APPOINTMENT, visits.ids, ["reason"])
            counts["messages"] = counts.get("messages", 0) + chatter["messages"]
        return counts
