"""A customer's monthly service reports on erasure: the stored PDFs (the
customer's name and address printed) and the chatter go; the snapshot stays and
the PDF is rendered again on demand (:meth:`_pdf`) from the pseudonymised
partner."""

from odoo import models

REPORT = "aftersales.service.report"


class AftersalesServiceReport(models.Model):
    _inherit = "aftersales.service.report"  # pylint: disable=consider-merging-classes-inherited

    def _erase_personal_data(self):
        """Delete the reports' rendered PDFs and erase their chatter. Returns
        counts (``messages``, ``attachments``)."""
        Ticket = self.env["aftersales.ticket"]
        # sudo: the erasure reaches every report of the customer.
        reports = self.sudo()
        counts = {"messages": 0, "attachments": 0}
        if not reports:
            return counts
        pdfs = reports.attachment_ids
        counts["attachments"] += len(pdfs)
        pdfs.unlink()
        chatter = Ticket._erase_chatter(REPORT, reports.ids)
        counts["messages"] += chatter["messages"]
        counts["attachments"] += chatter["attachments"]
        counts["attachments"] += Ticket._erase_attachments(REPORT, reports.ids)
        return counts
