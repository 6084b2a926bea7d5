from odoo import api, fields, models


class ReportLedgerIntegrity(models.AbstractModel):
    _name = "report.aftersales_sla.report_ledger_integrity"
    _description = "Service Ledger Integrity Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        # Printing never writes: the report shows a fresh verification; only the
        # Verify action and the scheduled action record results on the chains.
        self.env["aftersales.event"]._check_verify_rights()
        chains = self.env["aftersales.event.chain"].browse(docids)
        result = self.env["aftersales.event"].verify_ledger(chains)
        by_chain = {item["chain"]: item for item in result["chains"]}
        lines = []
        for chain in chains:
            item = by_chain[chain.id]
            broken_event = self.env["aftersales.event"]
            if item["broken"] and item["broken"]["id"]:
                broken_event = broken_event.browse(item["broken"]["id"]).sudo()
            lines.append(
                {
                    "chain": chain,
                    "item": item,
                    "message": chain._verification_message(item),
                    "broken_event": broken_event,
                }
            )
        return {
            "doc_ids": docids,
            "doc_model": "aftersales.event.chain",
            "docs": chains,
            "lines": lines,
            "verified_at": fields.Datetime.now(),
            "result": result,
        }
