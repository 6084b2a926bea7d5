"""Units: the coverage of their open tickets follows their warranty.

A ticket's coverage rests on its unit's warranty end. When that end moves (an
extension granted or withdrawn, the installation date or the product corrected,
the product's warranty months changed, the covering contract activated, amended
or terminated), the open tickets of the unit whose coverage no manager overrode
are decided again, each change a ``ticket.coverage_decided`` event.
"""

from contextlib import contextmanager

from odoo import models

#: The unit fields its warranty end depends on (directly).
WARRANTY_FIELDS = frozenset(
    {"installation_date", "product_id", "contract_id", "extension_ids"}
)


# The coverage side of units lives apart from their definition (another file).
class AftersalesUnit(models.Model):
    _inherit = "aftersales.unit"  # pylint: disable=consider-merging-classes-inherited

    def write(self, vals):
        if not WARRANTY_FIELDS.intersection(vals):
            return super().write(vals)
        with self._coverage_follows_warranty():
            return super().write(vals)

    @contextmanager
    def _coverage_follows_warranty(self):
        """Decide again the coverage of the open tickets of these units whose
        warranty end changes in the block."""
        # sudo: the warranty of the units and their tickets' coverage follow,
        # whoever changed what they rest on (a product, a contract).
        units = self.sudo()
        before = {unit.id: unit.warranty_end for unit in units}
        yield
        changed = units.exists().filtered(
            lambda unit: unit.warranty_end != before.get(unit.id)
        )
        if not changed:
            return
        # sudo: every open ticket of the units, whoever changes the warranty
        tickets = (
            self.env["aftersales.ticket"]
            .sudo()
            .search(
                [
                    ("unit_id", "in", changed.ids),
                    ("state", "!=", "closed"),
                    ("coverage_overridden", "=", False),
                ]
            )
        )
        tickets._decide_coverage()
