from odoo import api, fields, models

from ..tools import door


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

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("aftersales_penalty_id") for vals in vals_list):
            self._check_penalty_door()
        return super().create(vals_list)

    def write(self, vals):
        if "aftersales_penalty_id" in vals and any(
            line.aftersales_penalty_id.id != (vals["aftersales_penalty_id"] or False)
            for line in self
        ):
            self._check_penalty_door()
        return super().write(vals)

    def _check_penalty_door(self):
        """Only the penalty hand-off links a journal item to the penalty it
        settles (with the penalty's amount)."""
        if not door.is_open("account.move.line"):
            door.refuse(
                self,
                ["aftersales_penalty_id"],
                hint=self.env._(
                    "Settle penalties from the penalties list (Create Credit Notes, "
                    "or Deduct from an Invoice)."
                ),
            )

    def unlink(self):
        # The penalties settled by deleted lines (a line removed from a draft
        # invoice, or a whole move deleted) are to be invoiced again.
        # sudo: every penalty settled by the lines, whoever deletes them
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
