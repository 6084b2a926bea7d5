"""Tickets: the quotation of a chargeable repair, sent by the technician.

The ticket's technician (or a manager) quotes the repair order made from the
ticket without Odoo's Repairs and Sales rights: the quotation (Odoo's sale order,
with the visit fee and the labour) is made for the ticket's customer, marked sent
(the ``ticket.quotation_sent`` event) and offered on the customer's portal
(/my/orders), where the customer signs and approves it. A covered ticket's repair
gets no quotation.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.aftersales_sla.tools import inputs

from .aftersales_ticket_repair import MANAGER_GROUP, USER_GROUP

#: Labour hours a quotation may charge (a day and night of work is already odd).
MAX_LABOUR_HOURS = 100.0


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"  # pylint: disable=consider-merging-classes-inherited

    can_send_quotation = fields.Boolean(
        string="Quotation to Send",
        compute="_compute_can_send_quotation",
        help="The ticket is chargeable and has a repair order not quoted yet.",
    )

    @api.depends_context("uid")
    @api.depends("state", "coverage")
    def _compute_can_send_quotation(self):
        for ticket in self:
            ticket.can_send_quotation = bool(ticket._repair_to_quote())

    def _repair_to_quote(self):
        """The ticket's oldest repair order still to be quoted, if the ticket is
        chargeable and open."""
        self.ensure_one()
        if self.state == "closed" or self.coverage != "chargeable" or not self.id:
            return self.env["repair.order"]
        # sudo: the technician quotes his ticket's repair without the Repairs
        # rights.
        return (
            self.env["repair.order"]
            .sudo()
            .search(
                [
                    ("ticket_id", "=", self.id),
                    ("sale_order_id", "=", False),
                    ("state", "!=", "cancel"),
                ],
                order="id",
                limit=1,
            )
        )

    def action_open_quotation_send(self):
        """The wizard asking the labour hours before the quotation is sent."""
        self.ensure_one()
        self._check_quotation_rights()
        repair = self._repair_to_quote()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Quotation"),
            "res_model": "aftersales.ticket.quotation.send",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_ticket_id": self.id,
                "default_labour_hours": repair.aftersales_labour_hours
                if repair
                else 1.0,
            },
        }

    def _check_quotation_rights(self):
        user = self.env.user
        if not (user.has_group(USER_GROUP) or user.has_group(MANAGER_GROUP)):
            raise AccessError(
                self.env._(
                    "Only After-Sales technicians and managers send a repair's "
                    "quotation."
                )
            )
        # The technician's own tickets (record rules), any ticket for a manager.
        self.check_access("write")

    def action_send_quotation(self, labour_hours=None):
        """Quote the ticket's repair order to its customer: the quotation (visit
        fee, labour, parts) is made, marked sent (a ``ticket.quotation_sent``
        event) and offered on the customer's portal for signature.

        :param labour_hours: the hours of labour to charge (else the repair's)
        :return: a notification naming the quotation
        """
        self.ensure_one()
        self._check_quotation_rights()
        if labour_hours is not None:
            labour_hours = inputs.to_number(
                self.env,
                labour_hours,
                self.env._("Labour Hours"),
                minimum=0,
                maximum=MAX_LABOUR_HOURS,
            )
        if self.state == "closed":
            raise UserError(
                self.env._(
                    "Ticket %s is closed: it gets no more quotations.",
                    self.display_name,
                )
            )
        # sudo: whether a repair is quoted already, whoever asks.
        repairs = self.sudo().repair_ids.filtered(lambda r: r.state != "cancel")
        if not repairs:
            raise UserError(
                self.env._(
                    "Ticket %s has no repair order: make one before sending its "
                    "quotation.",
                    self.display_name,
                )
            )
        repair = repairs.filtered(lambda r: not r.sale_order_id).sorted("id")[:1]
        if not repair:
            raise UserError(
                self.env._(
                    "The repair orders of ticket %(ticket)s are quoted already "
                    "(%(orders)s).",
                    ticket=self.display_name,
                    orders=", ".join(repairs.sale_order_id.mapped("name")),
                )
            )
        # A covered ticket's repair is refused by the repair itself (nothing of
        # this runs then: the savepoint undoes the labour hours).
        with self.env.cr.savepoint():
            order = self._send_quotation(repair, labour_hours)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Quotation %(order)s sent to %(customer)s: they sign it on "
                    "their portal.",
                    order=order.name,
                    customer=order.partner_id.display_name,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _send_quotation(self, repair, labour_hours):
        # sudo: the technician has neither the Repairs nor the Sales rights; he
        # quotes only his own ticket's repair (checked above), with the prices of
        # the fee schedule, not his own.
        repair = repair.sudo().with_company(self.company_id)
        if labour_hours is not None:
            repair.aftersales_labour_hours = labour_hours
        repair.action_create_sale_order()
        order = repair.sale_order_id
        # sudo: the ticket's customer, whoever quotes (technicians too)
        customer = self.sudo().commercial_partner_id
        if order.partner_id.commercial_partner_id != customer:
            raise UserError(
                self.env._(
                    "Repair %(repair)s is for %(partner)s, not for the ticket's "
                    "customer %(customer)s: it cannot be quoted from the ticket.",
                    repair=repair.name,
                    partner=order.partner_id.display_name,
                    customer=customer.display_name,
                )
            )
        # Approved by signature on the portal; paid once invoiced.
        order.write({"require_signature": True, "require_payment": False})
        # Marked sent: the customer follows it, so it shows on his portal
        # (/my/quotes, /my/orders/<id>); the reporting contact too.
        order.action_quotation_sent()
        # sudo: the ticket's contact, whoever quotes (technicians too)
        contact = self.sudo().contact_id
        if contact:
            order.message_subscribe(partner_ids=contact.ids)
        # The ticket's followers (the customer who reported it) are told where to
        # sign it.
        link = Markup('<a href="%s">%s</a>') % (order.access_url, order.name)
        self.message_post(
            body=Markup(
                self.env._(
                    "The quotation %(order)s of the repair is ready: the customer "
                    "signs it on the portal before the work starts."
                )
            )
            % {"order": link},
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return order
