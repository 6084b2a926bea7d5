from odoo import api, models


class AftersalesEvent(models.Model):
    _inherit = "aftersales.event"

    @api.model
    def _get_event_types(self):
        return super()._get_event_types() + [
            ("ticket.coverage_decided", self.env._("Ticket coverage decided")),
            ("ticket.coverage_overridden", self.env._("Ticket coverage overridden")),
            ("ticket.repair_created", self.env._("Repair order created")),
            ("ticket.quotation_sent", self.env._("Repair quotation sent")),
            ("ticket.quotation_approved", self.env._("Repair quotation approved")),
            ("ticket.invoiced", self.env._("Repair invoiced")),
            ("ticket.paid", self.env._("Repair invoice paid")),
            ("ticket.parts_used", self.env._("Spare parts used")),
            (
                "ticket.faulty_parts_returned",
                self.env._("Faulty parts returned to the manufacturer"),
            ),
            ("ticket.guarantee_started", self.env._("Repair guarantee started")),
            ("ticket.refunded", self.env._("Repair refunded")),
        ]
