from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from .aftersales_ticket_complaint import COMPLAINT_STATES


class AftersalesServiceReport(models.Model):
    """The monthly service report's complaints section."""

    _inherit = "aftersales.service.report"

    @api.model
    def _service_report_figures(self, contract, date_from, date_to):
        """Adds ``complaints``: the complaints reported in the month, by category
        (code) and by state with the complainant, and how many were handled on
        time (a complaint clock met, none breached) or late (one breached)."""
        figures = super()._service_report_figures(contract, date_from, date_to)
        start = fields.Datetime.to_datetime(date_from)
        end = fields.Datetime.to_datetime(date_to) + relativedelta(days=1)
        # sudo: the figures of the contract's own complaints, for its report.
        complaints = (
            self.env["aftersales.ticket"]
            .sudo()
            .search(
                self._ticket_domain(contract)
                + [
                    ("service_type_id.is_complaint", "=", True),
                    ("reported_at", ">=", start),
                    ("reported_at", "<", end),
                ]
            )
        )
        by_category = defaultdict(int)
        by_state = defaultdict(int)
        on_time = late = 0
        for complaint in complaints:
            by_category[complaint.complaint_category_id.code or "none"] += 1
            by_state[complaint.complaint_state or "open"] += 1
            clocks = complaint.sla_ids.filtered(
                lambda line: line.metric in ("complaint_response", "complaint_feedback")
            )
            if clocks.filtered("breached_at"):
                late += 1
            elif clocks.filtered(lambda line: line.state == "met"):
                on_time += 1
        figures["complaints"] = {
            "count": len(complaints),
            "by_category": dict(sorted(by_category.items())),
            "by_state": {
                code: by_state[code]
                for code, _label in COMPLAINT_STATES
                if by_state[code]
            },
            "on_time": on_time,
            "late": late,
        }
        return figures
