from odoo import models


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"  # pylint: disable=consider-merging-classes-inherited

    def _erase_personal_extra(self):
        """The survey answers given about these tickets."""
        counts = super()._erase_personal_extra()
        # sudo: the answers of the tickets, whoever may read them.
        inputs = (
            self.env["survey.user_input"]
            .sudo()
            .search([("aftersales_ticket_id", "in", self.ids)])
        )
        messages = inputs._aftersales_erase_personal_data()
        counts["messages"] = counts.get("messages", 0) + messages
        return counts
