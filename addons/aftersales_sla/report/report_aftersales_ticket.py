from odoo import api, models

from ..tools.report_format import join_list
from .report_aftersales_contract import format_hours


class ReportAftersalesTicket(models.AbstractModel):
    """The service report of a ticket: its details, its timeline from the ledger,
    its SLA results, the work notes and the customer's sign-off."""

    _name = "report.aftersales_sla.report_aftersales_ticket"
    _description = "After-Sales Service Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        tickets = self.env["aftersales.ticket"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "aftersales.ticket",
            "docs": tickets,
            "data": data,
            "ticket_values": self._ticket_values,
            "format_hours": format_hours,
        }

    @api.model
    def _report_tz(self, ticket):
        """The customer's time zone, else the company's, else the contract
        calendar's."""
        return (
            ticket.partner_id.tz
            or ticket.commercial_partner_id.tz
            or ticket.company_id.partner_id.tz
            or ticket.contract_id.calendar_id.tz
            or "UTC"
        )

    def _ticket_values(self, ticket):
        """What the template shows beyond the ticket's fields, in the language of
        ``ticket``'s environment (the customer's)."""
        ticket.ensure_one()
        return {
            "tz": self._report_tz(ticket),
            "timeline": self._timeline(ticket),
            "sla_lines": ticket.sla_ids.filtered(
                lambda line: line.state != "cancelled"
            ),
        }

    @api.model
    def _timeline(self, ticket):
        """The ticket's ledger events in the order they occurred:
        [{"event", "label", "details"}]."""
        env = ticket.env
        Event = env["aftersales.event"]
        labels = dict(Event._get_event_types())
        # sudo: the ticket's own events, for whoever may print the ticket
        events = Event.sudo().search(
            [("res_model", "=", ticket._name), ("res_id", "=", ticket.id)],
            order="occurred_at, id",
        )
        return [
            {
                "event": event,
                "label": labels.get(event.event_type, event.event_type),
                "details": self._event_details(ticket, event),
            }
            for event in events
        ]

    @api.model
    def _event_details(self, ticket, event):
        """A short, readable account of an event's payload."""
        env = ticket.env
        try:
            payload = event._resolved_payload()
        except ValueError:
            return ""
        Ticket = env["aftersales.ticket"]
        Target = env["aftersales.sla.target"]
        priorities = dict(Ticket._fields["priority"]._description_selection(env))
        metrics = dict(Target._fields["metric"]._description_selection(env))
        acceptances = dict(Ticket._fields["acceptance"]._description_selection(env))
        channels = dict(Ticket._fields["channel"]._description_selection(env))
        kind = event.event_type
        if kind == "ticket.reported":
            return channels.get(payload.get("channel"), "")
        if kind == "ticket.assigned":
            return payload.get("user") or ""
        if kind == "ticket.paused":
            return payload.get("label") or payload.get("reason") or ""
        if kind == "ticket.priority_changed":
            old = priorities.get(payload.get("from"), payload.get("from") or "")
            new = priorities.get(payload.get("to"), payload.get("to") or "")
            return f"{old} → {new}"
        if kind == "ticket.retargeted":
            return join_list(
                [
                    metrics.get(target.get("metric"), "")
                    for target in payload.get("targets", [])
                ],
                env.lang,
            ) or env._("no SLA target")
        if kind == "ticket.accepted":
            accepted = acceptances.get(payload.get("acceptance"), "")
            if payload.get("signed_in") == "backend":
                return env._(
                    "%(acceptance)s: signed by %(name)s on the device of %(collector)s",
                    acceptance=accepted,
                    name=payload.get("signed_by") or "",
                    collector=payload.get("collected_by_name") or "",
                )
            if payload.get("signed_by"):
                return env._(
                    "%(acceptance)s: signed by %(name)s",
                    acceptance=accepted,
                    name=payload["signed_by"],
                )
            return accepted
        if kind in ("sla.warning", "sla.breached"):
            return metrics.get(payload.get("metric"), payload.get("metric") or "")
        return ""
