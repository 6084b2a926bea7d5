from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    aftersales_penalty_id = fields.Many2one(
        "aftersales.penalty",
        string="After-Sales Penalty",
        index="btree_not_null",
        copy=False,
        readonly=True,
        ondelete="restrict",
        help="The penalty this line settles.",
    )

    def unlink(self):
        # The penalties settled by deleted lines (a line removed from a draft
        # invoice, or a whole move deleted) are to be invoiced again.
        penalties = (
            self.env["aftersales.penalty"]
            .sudo()
            .search([("move_line_id", "in", self.ids)])
        )
        moves = {penalty: penalty.move_line_id.move_id for penalty in penalties}
        move_names = {
            penalty: (move.name if move.name and move.name != "/" else None)
            for penalty, move in moves.items()
        }
        move_ids = {penalty: move.id for penalty, move in moves.items()}
        res = super().unlink()
        if penalties:
            reason = self.env.context.get("aftersales_uninvoice_reason") or self.env._(
                "Journal item deleted"
            )
            penalties._uninvoice(
                lambda p: {"move": move_names[p], "move_id": move_ids[p]}, reason
            )
        return res
