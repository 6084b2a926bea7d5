from odoo import models


class AftersalesErasureRequest(models.Model):
    _inherit = "aftersales.erasure.request"  # pylint: disable=consider-merging-classes-inherited

    def _erasure_refusals(self, partners, tickets, contracts, penalties):
        reasons = super()._erasure_refusals(partners, tickets, contracts, penalties)
        # sudo: the service partner's statements, whoever may read them.
        disputed = (
            self.env["aftersales.partner.settlement.line"]
            .sudo()
            .search(
                [
                    ("settlement_id.partner_id", "in", partners.ids),
                    ("dispute_state", "=", "disputed"),
                ]
            )
        )
        if disputed:
            reasons.append(
                self.env._(
                    "The service partner disputes lines of its settlements %s: the "
                    "dispute must be settled first.",
                    ", ".join(disputed.settlement_id.mapped("display_name")),
                )
            )
        return reasons
