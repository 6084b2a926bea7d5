from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AftersalesUnit(models.Model):
    """Where a unit is, for its visit fee: its service zone and its distance from
    the service base, taken from its site address (else its customer) and
    editable."""

    _inherit = "aftersales.unit"  # pylint: disable=consider-merging-classes-inherited

    zone_id = fields.Many2one(
        "aftersales.service.zone",
        string="Service Zone",
        compute="_compute_location",
        store=True,
        readonly=False,
        precompute=True,
        ondelete="restrict",
        tracking=True,
        help="The zone of the site address (else the customer) by default.",
    )
    distance_km = fields.Float(
        string="Distance (km)",
        digits=(16, 1),
        compute="_compute_location",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="How far the unit is from the service base, for the visit fee's "
        "distance band; 0: unknown.",
    )

    @api.depends("site_partner_id", "partner_id")
    def _compute_location(self):
        for unit in self:
            site = unit.site_partner_id or unit.partner_id
            unit.zone_id = site.aftersales_zone_id
            unit.distance_km = site.aftersales_distance_km

    @api.constrains("distance_km")
    def _check_distance_km(self):
        if any(unit.distance_km < 0 for unit in self):
            raise ValidationError(
                self.env._(
                    "A unit's distance from the service base cannot be below 0 km."
                )
            )
