from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    """The service zone and distance of an address: its units' by default."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    aftersales_zone_id = fields.Many2one(
        "aftersales.service.zone",
        string="Service Zone",
        ondelete="restrict",
        help="The after-sales service zone of this address (visit fee).",
    )
    aftersales_distance_km = fields.Float(
        string="Service Distance (km)",
        digits=(16, 1),
        help="How far this address is from the service base (visit fee's distance "
        "band); 0: unknown.",
    )

    @api.constrains("aftersales_distance_km")
    def _check_aftersales_distance_km(self):
        if any(partner.aftersales_distance_km < 0 for partner in self):
            raise ValidationError(
                self.env._(
                    "An address's distance from the service base cannot be below 0 km."
                )
            )
