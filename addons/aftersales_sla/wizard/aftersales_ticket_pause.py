from markupsafe import Markup

from odoo import api, fields, models


class AftersalesTicketPause(models.TransientModel):
    """Pause tickets for a reason, showing first which SLA clocks the reason stops
    (those whose target lists it) and which keep running."""

    _name = "aftersales.ticket.pause"
    _description = "Pause After-Sales Tickets"

    ticket_ids = fields.Many2many("aftersales.ticket", required=True)
    reason_id = fields.Many2one(
        "aftersales.pause.reason", string="Reason", required=True
    )
    clock_summary = fields.Html(
        string="SLA Clocks",
        compute="_compute_clock_summary",
        sanitize=False,
        help="Which clocks this reason stops and which keep running.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "aftersales.ticket":
            values["ticket_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    @api.depends("ticket_ids", "reason_id")
    def _compute_clock_summary(self):
        for wizard in self:
            wizard.clock_summary = wizard._clock_summary()

    def _clock_summary(self):
        self.ensure_one()
        if not self.reason_id:
            return False
        metrics = dict(
            self.env["aftersales.ticket.sla"]
            ._fields["metric"]
            ._description_selection(self.env)
        )
        rows = []
        for ticket in self.ticket_ids:
            stops, runs = self._split_clocks(ticket, self.reason_id)
            rows.append(
                Markup("<tr><td>%s</td><td>%s</td><td>%s</td></tr>")
                % (
                    ticket.display_name,
                    ", ".join(metrics[line.metric] for line in stops) or "-",
                    ", ".join(metrics[line.metric] for line in runs) or "-",
                )
            )
        if not rows:
            return False
        header = Markup(
            "<table class='table table-sm o_aftersales_pause_clocks'><thead><tr>"
            "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>"
        ) % (
            self.env._("Ticket"),
            self.env._("Clocks that stop"),
            self.env._("Clocks that keep running"),
        )
        return header + Markup("").join(rows) + Markup("</tbody></table>")

    @api.model
    def _split_clocks(self, ticket, reason):
        """(clocks the reason stops, clocks that keep running) of a ticket's open
        clocks, by the pause reasons of the targets in force."""
        lines = ticket.sla_ids.filtered(
            lambda line: line.state in ("running", "paused", "breached")
            and not line.met_at
        )
        stops = lines.filtered(
            lambda line: reason.code in (line.pause_reason_codes or "").split(",")
        )
        return stops, lines - stops

    def action_pause(self):
        self.ensure_one()
        self.ticket_ids.action_pause(self.reason_id)
        return {"type": "ir.actions.act_window_close"}
