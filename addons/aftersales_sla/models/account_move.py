from odoo import models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    def _aftersales_penalties(self):
        """The penalties currently settled by these moves (whoever looks)."""
        # sudo: every penalty settled by the moves, whoever looks
        return (
            self.env["aftersales.penalty"]
            .sudo()
            .search([("move_line_id", "in", self.line_ids.ids)])
        )

    def _aftersales_uninvoice_penalties(self, reason):
        """Send the penalties settled by these moves back to ``confirmed``."""
        penalties = self._aftersales_penalties()
        if not penalties:
            return penalties
        moves = {penalty: penalty.move_line_id.move_id for penalty in penalties}
        return penalties._uninvoice(
            lambda p: {
                "move": moves[p].name if moves[p].name != "/" else None,
                "move_id": moves[p].id,
            },
            reason,
        )

    def button_draft(self):
        res = super().button_draft()
        self._aftersales_uninvoice_penalties(
            self.env.context.get("aftersales_uninvoice_reason")
            or self.env._("Journal entry reset to draft")
        )
        return res

    def button_cancel(self):
        # Odoo resets posted moves to draft before cancelling them: one event,
        # saying they were cancelled.
        reason = self.env._("Journal entry cancelled")
        res = super(
            AccountMove, self.with_context(aftersales_uninvoice_reason=reason)
        ).button_cancel()
        self._aftersales_uninvoice_penalties(reason)
        return res

    def _reverse_moves(self, default_values_list=None, cancel=False):
        reverse_moves = super()._reverse_moves(
            default_values_list=default_values_list, cancel=cancel
        )
        self._aftersales_uninvoice_penalties(self.env._("Journal entry reversed"))
        return reverse_moves

    def unlink(self):
        # The lines' unlink returns their penalties to confirmed (see
        # account.move.line); this only tells it why.
        return super(
            AccountMove,
            self.with_context(
                aftersales_uninvoice_reason=self.env._("Journal entry deleted")
            ),
        ).unlink()

    def _post(self, soft=True):
        # A move reset to draft (or cancelled) and posted again settles its
        # penalties again, unless they were settled elsewhere in between.
        lines = self.line_ids.filtered("aftersales_penalty_id")
        relink = lines.browse()
        for line in lines:
            # sudo: the line's penalty, whoever posts the move
            penalty = line.sudo().aftersales_penalty_id
            if penalty.move_line_id == line:
                continue
            if penalty.state != "confirmed" or penalty.move_line_id:
                raise UserError(
                    self.env._(
                        "%(move)s settles penalty %(penalty)s, which is no longer "
                        "to be invoiced (%(state)s): remove its line first.",
                        move=line.move_id.display_name,
                        penalty=penalty.name,
                        state=dict(
                            penalty._fields["state"]._description_selection(self.env)
                        )[penalty.state],
                    )
                )
            relink |= line
        posted = super()._post(soft=soft)
        relink = relink.filtered(lambda line: line.move_id in posted)
        if relink:
            self.env["aftersales.penalty"]._link_move_lines(relink)
        return posted
