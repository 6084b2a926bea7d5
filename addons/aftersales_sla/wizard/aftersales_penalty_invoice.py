from odoo import api, fields, models

from ..models.aftersales_penalty_invoicing import INVOICE_TYPES


class AftersalesPenaltyInvoice(models.TransientModel):
    """Hand confirmed penalties over to accounting: credit notes, or negative
    lines on a draft invoice of the partner."""

    _name = "aftersales.penalty.invoice"
    _description = "Invoice After-Sales Penalties"

    contract_id = fields.Many2one("aftersales.contract", readonly=True)
    penalty_ids = fields.Many2many(
        "aftersales.penalty",
        string="Penalties",
        required=True,
        domain="[('state', '=', 'confirmed'), ('move_line_id', '=', False)]",
    )
    mode = fields.Selection(
        [
            ("credit_note", "Create Credit Notes"),
            ("add_to_invoice", "Deduct from a Draft Invoice"),
        ],
        required=True,
        default="credit_note",
    )
    post = fields.Boolean(help="Post the credit notes at once (else left in draft).")
    company_id = fields.Many2one("res.company", compute="_compute_invoice_domain")
    partner_id = fields.Many2one("res.partner", compute="_compute_invoice_domain")
    currency_id = fields.Many2one("res.currency", compute="_compute_invoice_domain")
    invoice_move_type = fields.Char(compute="_compute_invoice_domain")
    invoice_id = fields.Many2one(
        "account.move",
        string="Invoice",
        domain="[('state', '=', 'draft'), ('move_type', '=', invoice_move_type), "
        "('commercial_partner_id', '=', partner_id), "
        "('currency_id', '=', currency_id), ('company_id', '=', company_id)]",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        Penalty = self.env["aftersales.penalty"]
        if context.get("active_model") == "aftersales.penalty":
            penalties = Penalty.browse(context.get("active_ids", []))
        elif values.get("contract_id"):
            penalties = Penalty.search(
                [
                    ("contract_id", "=", values["contract_id"]),
                    ("state", "=", "confirmed"),
                    ("move_line_id", "=", False),
                    ("parent_id", "=", False),
                ]
            )
        else:
            return values
        values["penalty_ids"] = [fields.Command.set(penalties.ids)]
        return values

    @api.depends("penalty_ids")
    def _compute_invoice_domain(self):
        for wizard in self:
            penalties = wizard.penalty_ids
            partners = penalties.partner_id.commercial_partner_id
            directions = set(penalties.mapped("direction"))
            wizard.company_id = penalties.company_id[:1]
            wizard.partner_id = partners if len(partners) == 1 else False
            wizard.currency_id = penalties.currency_id[:1]
            wizard.invoice_move_type = (
                INVOICE_TYPES[directions.pop()] if len(directions) == 1 else False
            )

    def action_apply(self):
        self.ensure_one()
        penalties = self.penalty_ids
        if self.mode == "add_to_invoice":
            moves = penalties._add_to_invoice(self.invoice_id)
        else:
            moves = penalties._create_credit_notes(post=self.post)
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Penalty Settlements"),
            "res_model": "account.move",
            "context": {"create": False},
        }
        if len(moves) == 1:
            action.update(views=[(False, "form")], res_id=moves.id)
        else:
            action.update(
                views=[(False, "list"), (False, "form")],
                domain=[("id", "in", moves.ids)],
            )
        return action
