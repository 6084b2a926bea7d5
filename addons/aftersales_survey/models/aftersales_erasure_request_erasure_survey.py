from odoo import models


class AftersalesErasureRequest(models.Model):
    _inherit = "aftersales.erasure.request"  # pylint: disable=consider-merging-classes-inherited

    def _erase(self, partners, tickets, contracts, penalties):
        # The customer's answers not about a ticket (periodic surveys of its
        # contracts): before its partners are pseudonymised.
        # sudo: every answer of the customer, whoever may read them.
        inputs = (
            self.env["survey.user_input"]
            .sudo()
            .search(
                [
                    "|",
                    ("partner_id", "in", partners.ids),
                    ("aftersales_contract_id", "in", contracts.ids),
                ]
            )
        )
        inputs._aftersales_erase_personal_data()
        return super()._erase(partners, tickets, contracts, penalties)
