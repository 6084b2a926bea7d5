from odoo import models
from odoo.osv import expression

from odoo.addons.aftersales_survey.models.aftersales_kpi_mixin import in_period


class AftersalesEvaluation(models.Model):
    """A contract's complaint figures count the complaints about its work: for a
    service partner's contract, also the complaints against the partner (or about
    a ticket it served) under the customer contract it backs."""

    _inherit = "aftersales.evaluation"

    def _kpi_complaint_domain(self):
        domain = super()._kpi_complaint_domain()
        contract = self.contract_id
        if contract.contract_type != "partner":
            return domain
        partner = contract.partner_id.commercial_partner_id
        return expression.OR(
            [
                domain,
                [
                    ("contract_id", "in", contract.parent_id.ids),
                    "|",
                    ("complaint_partner_id.commercial_partner_id", "=", partner.id),
                    (
                        "complaint_ticket_id.service_partner_id.commercial_partner_id",
                        "=",
                        partner.id,
                    ),
                ],
            ]
        )

    def _report_complaint_categories(self):
        """The complaints against the contract reported in the period, per
        category: [{category, count, on_time, late, rejected}], most first; the
        complaints not classified yet last, under category False."""
        self.ensure_one()
        start, end = self._utc_bounds()
        # sudo: the figures are the contract's, whoever prints the evaluation
        # (its readers may not see every ticket).
        complaints = (
            self.env["aftersales.ticket"]
            .sudo()
            .search(
                self._kpi_complaint_domain()
                + [("service_type_id.is_complaint", "=", True)]
                + in_period("reported_at", start, end)
            )
        )
        # sudo: the complaints report view is read for the figures, whoever evaluates
        rows = (
            self.env["aftersales.complaint.report"]
            .sudo()
            .search([("ticket_id", "in", complaints.ids)])
        )
        groups = {}
        for row in rows:
            group = groups.setdefault(
                row.category_id,
                {
                    "category": row.category_id,
                    "count": 0,
                    "on_time": 0,
                    "late": 0,
                    "rejected": 0,
                },
            )
            group["count"] += 1
            group["on_time"] += row.on_time_count
            group["late"] += row.late_count
            group["rejected"] += row.rejected_total
        return sorted(
            groups.values(),
            key=lambda g: (
                not g["category"],
                -g["count"],
                g["category"].sequence,
                g["category"].id,
            ),
        )
