from odoo import api, models


class AftersalesServiceReport(models.Model):
    """The monthly service report's planned maintenance section."""

    _inherit = "aftersales.service.report"

    @api.model
    def _service_report_figures(self, contract, date_from, date_to):
        """Adds ``maintenance``: the planned visits due in the month, done on
        time, done late, missed and still open, as the SLA statement counts
        them (None when the contract plans no maintenance)."""
        figures = super()._service_report_figures(contract, date_from, date_to)
        maintenance = self.env[
            "report.aftersales_sla.report_sla_statement"
        ]._maintenance_figures(contract, date_from, date_to)
        if maintenance is not None:
            maintenance = dict(maintenance)
            maintenance.pop("as_of", None)  # the report's generated_at says it
            maintenance["done"] = maintenance["on_time"] + maintenance["late"]
        figures["maintenance"] = maintenance
        return figures
