from odoo import models


class AftersalesErasureRequest(models.Model):
    _inherit = "aftersales.erasure.request"  # pylint: disable=consider-merging-classes-inherited

    def _erase(self, partners, tickets, contracts, penalties):
        # The stored PDFs print the customer's name: deleted, rendered again from
        # the pseudonymised partner when printed.
        # sudo: the customer's reports in every company (see _erasure_tickets).
        reports = (
            self.env["aftersales.service.report"]
            .sudo()
            .search(
                [
                    "|",
                    ("contract_id", "in", contracts.ids),
                    ("partner_id", "in", partners.ids),
                ]
            )
        )
        reports._erase_personal_data()
        return super()._erase(partners, tickets, contracts, penalties)
