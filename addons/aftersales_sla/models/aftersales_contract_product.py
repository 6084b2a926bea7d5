from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AftersalesContractProduct(models.Model):
    """A product covered by a contract; one line per covered serial number."""

    _name = "aftersales.contract.product"
    _inherit = ["aftersales.contract.line.mixin"]
    _description = "After-Sales Contract Covered Product"
    _order = "contract_id, id"

    contract_id = fields.Many2one(
        "aftersales.contract", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id")
    product_id = fields.Many2one(
        "product.product", string="Product", required=True, ondelete="restrict"
    )
    serial_number = fields.Char(
        index="btree_not_null",
        help="Leave empty to cover every unit of the product; one line per serial.",
    )
    note = fields.Char()

    @api.constrains("contract_id", "serial_number")
    def _check_serial_unique(self):
        for line in self.filtered("serial_number"):
            key = line.serial_number.strip().casefold()
            twins = line.contract_id.product_line_ids.filtered(
                lambda other, key=key, line=line: other != line
                and other.serial_number
                and other.serial_number.strip().casefold() == key
            )
            if twins:
                raise ValidationError(
                    self.env._(
                        "Serial number %(serial)s is listed twice on contract "
                        "%(contract)s.",
                        serial=line.serial_number,
                        contract=line.contract_id.display_name,
                    )
                )
