from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import float_round


class AftersalesServiceReport(models.Model):
    """The monthly service report's satisfaction section."""

    _inherit = "aftersales.service.report"

    @api.model
    def _service_report_figures(self, contract, date_from, date_to):
        """Adds ``satisfaction``: the responses completed in the month (test
        entries left out), how many gave an index, their mean index (0-100, None
        without any) and the invitations sent in the month."""
        figures = super()._service_report_figures(contract, date_from, date_to)
        start = fields.Datetime.to_datetime(date_from)
        end = fields.Datetime.to_datetime(date_to) + relativedelta(days=1)
        if contract.contract_type == "partner" and contract.parent_id:
            # The customers' answers about the tickets the partner served.
            subject = [("aftersales_ticket_id", "any", self._ticket_domain(contract))]
        else:
            subject = [("aftersales_contract_id", "=", contract.id)]
        # sudo: the figures of the contract's own surveys, for its report.
        Input = self.env["survey.user_input"].sudo()
        base = subject + [("test_entry", "=", False)]
        responses = Input.search_read(
            base
            + [
                ("state", "=", "done"),
                ("end_datetime", ">=", start),
                ("end_datetime", "<", end),
            ],
            ["aftersales_scored", "aftersales_index"],
        )
        scored = [
            row["aftersales_index"] for row in responses if row["aftersales_scored"]
        ]
        figures["satisfaction"] = {
            "responses": len(responses),
            "scored": len(scored),
            "index": float_round(sum(scored) / len(scored), precision_digits=1)
            if scored
            else None,
            "invited": Input.search_count(
                base
                + [
                    ("aftersales_sent_at", ">=", start),
                    ("aftersales_sent_at", "<", end),
                ]
            ),
        }
        return figures
