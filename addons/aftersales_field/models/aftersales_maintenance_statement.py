from odoo import fields, models


class ReportSlaStatement(models.AbstractModel):
    """The SLA statement reports planned maintenance: visits due in the period,
    done on time, done late, missed and still open."""

    _inherit = "report.aftersales_sla.report_sla_statement"

    def _statement_values(self, contract, date_from, date_to):
        values = super()._statement_values(contract, date_from, date_to)
        values["maintenance"] = self._maintenance_figures(contract, date_from, date_to)
        return values

    def _maintenance_figures(self, contract, date_from, date_to):
        """Counts of the contract's maintenance tickets due in [date_from, date_to]
        (None when the contract plans no maintenance)."""
        # sudo: the statement's figures, for whoever may print the statement.
        Ticket = contract.env["aftersales.ticket"].sudo()
        # sudo: the contract's plans decide, for whoever may print the statement
        if not (
            contract.env["aftersales.maintenance.plan"]
            .sudo()
            .with_context(active_test=False)
            .search_count([("contract_id", "=", contract.id)], limit=1)
        ):
            return None
        tickets = Ticket.search(
            [
                ("contract_id", "=", contract.id),
                ("maintenance_plan_id", "!=", False),
                ("maintenance_due", ">=", date_from),
                ("maintenance_due", "<=", date_to),
            ]
        )
        figures = {"planned": len(tickets), "on_time": 0, "late": 0}
        figures.update(missed=0, open=0)
        for ticket in tickets:
            clock = ticket.sla_ids.filtered(lambda line: line.metric == "resolution")
            breached = "breached" in clock.mapped("state")
            if ticket.resolved_at:
                figures["late" if breached else "on_time"] += 1
            else:
                figures["missed" if breached else "open"] += 1
        figures["as_of"] = fields.Datetime.now()
        return figures
