from odoo import api, fields, models


class ReportLedgerIntegrity(models.AbstractModel):
    _name = "report.aftersales_sla.report_ledger_integrity"
    _description = "Service Ledger Integrity Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        """Verify the chains and lay out every break, the checkpoints checked and
        a checkpoint of the head signed now. Printing writes nothing: the result is
        recorded on the chains by the Verify action and the daily verification."""
        self.env["aftersales.event"]._check_verify_rights()
        chains = self.env["aftersales.event.chain"].browse(docids)
        checkpoints = (data or {}).get("checkpoints") or None
        result = self.env["aftersales.event"].verify_ledger(
            chains, checkpoints=checkpoints
        )
        by_chain = {item["chain"]: item for item in result["chains"]}
        Event = self.env["aftersales.event"]
        lines = []
        for chain in chains:
            item = by_chain[chain.id]
            # The events named by a break, for their type (one read for all).
            # sudo: the events named by a break, for their type (auditors print it)
            events = (
                Event.sudo()
                .browse([broken["id"] for broken in item["breaks"] if broken["id"]])
                .exists()
            )
            types = dict(Event._get_event_types())
            lines.append(
                {
                    "chain": chain,
                    "item": item,
                    "message": chain._verification_message(item),
                    "breaks": [
                        {
                            "break": broken,
                            "message": chain._break_message(broken),
                            "event_type": types.get(
                                events.filtered(lambda e, b=broken: e.id == b["id"])[
                                    :1
                                ].event_type,
                                "",
                            ),
                        }
                        for broken in item["breaks"]
                    ],
                    "checkpoints": item["checkpoints"],
                    "signed": chain._print_checkpoint(),
                }
            )
        return {
            "doc_ids": docids,
            "doc_model": "aftersales.event.chain",
            "docs": chains,
            "lines": lines,
            "verified_at": fields.Datetime.now(),
            "result": result,
            "guard_messages": chains._guard_messages(result["guards"]),
        }
