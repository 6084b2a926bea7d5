from odoo import api, fields, models


class ReportAftersalesServiceReport(models.AbstractModel):
    """The monthly service report printed from its snapshot: labels (service
    types, metrics) in the language printed, figures as generated.

    ``data`` may give ``lang`` (en_US or zh_CN); default: the environment's.
    """

    _name = "report.aftersales_sla.report_service_report"
    _description = "After-Sales Monthly Service Report Document"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        lang = data.get("lang") or self.env.lang or "en_US"
        reports = (
            self.env["aftersales.service.report"].browse(docids).with_context(lang=lang)
        )
        return {
            "doc_ids": reports.ids,
            "doc_model": "aftersales.service.report",
            "docs": reports,
            "data": data,
            "report_lang": lang,
            "report_values": lambda report: self._report_values(report, lang),
        }

    @api.model
    def _report_values(self, report, lang):
        """The snapshot's figures with the labels the template prints."""
        # sudo: a customer prints their report; the names of service types,
        # metrics and currencies are no secret to them.
        env = report.sudo().with_context(lang=lang).env
        figures = report._get_figures()
        types = env["aftersales.service.type"].browse(
            [
                row["service_type_id"]
                for row in figures.get("tickets", [])
                if row["service_type_id"]
            ]
        )
        type_names = {service_type.id: service_type.name for service_type in types}
        metrics = dict(
            env["aftersales.ticket.sla"]._fields["metric"]._description_selection(env)
        )
        penalty_period = dict(
            env["aftersales.contract"]
            ._fields["penalty_period"]
            ._description_selection(env)
        )
        # sudo: the contract's currency, for whoever may read the report (portal too)
        return {
            "figures": figures,
            "currency": env["res.currency"].browse(figures.get("currency_id"))
            or report.sudo().contract_id.currency_id,
            "date_from": fields.Date.to_date(figures.get("date_from"))
            or report.date_from,
            "date_to": fields.Date.to_date(figures.get("date_to")) or report.date_to,
            "type_name": lambda type_id: type_names.get(type_id)
            or env._("Other services"),
            "metric_name": lambda code: metrics.get(code, code),
            "penalty_period_name": penalty_period.get(
                report.sudo().contract_id.penalty_period, ""
            ),
        }
