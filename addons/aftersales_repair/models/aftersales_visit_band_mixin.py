"""Visit fees by service zone and distance band.

A visit fee line (of a contract's fee schedule, or of the standard visit fee's
price table) may be limited to a service zone and/or a distance band (km from
the service base, from included, to excluded, no upper limit when "to" is 0).
The fee of a unit is that of the most specific line matching its zone and
distance: zone and band, then zone only, then band only, then the plain line.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AftersalesVisitBandMixin(models.AbstractModel):
    _name = "aftersales.visit.band.mixin"
    _description = "After-Sales Visit Fee Zone and Distance Band"

    zone_id = fields.Many2one(
        "aftersales.service.zone",
        string="Service Zone",
        ondelete="restrict",
        index="btree_not_null",
        help="The fee applies to units in this zone only; empty: any zone.",
    )
    distance_from_km = fields.Float(
        string="From (km)",
        digits=(16, 1),
        help="The fee applies from this distance from the service base (included).",
    )
    distance_to_km = fields.Float(
        string="To (km)",
        digits=(16, 1),
        help="The fee applies up to this distance (excluded); 0: no upper limit.",
    )

    def _band_parent_key(self):
        """What the lines' bands must not overlap within (the contract, the
        product...): overridden by each model."""
        raise NotImplementedError

    def _has_band(self):
        self.ensure_one()
        return bool(self.distance_from_km or self.distance_to_km)

    def _band_matches(self, zone, distance_km):
        """Whether this line applies to a unit in ``zone`` at ``distance_km`` (0:
        unknown, matches no band)."""
        self.ensure_one()
        if self.zone_id and self.zone_id != zone:
            return False
        if not self._has_band():
            return True
        if not distance_km or distance_km < self.distance_from_km:
            return False
        return not self.distance_to_km or distance_km < self.distance_to_km

    def _band_best(self, zone, distance_km):
        """The most specific of these lines matching (zone and band, zone, band,
        plain; the first line on a tie), or an empty recordset."""
        matching = self.filtered(lambda line: line._band_matches(zone, distance_km))
        if not matching:
            return matching
        return max(
            matching,
            key=lambda line: (bool(line.zone_id) * 2 + line._has_band(), -line.id),
        )

    def _band_label(self):
        """The zone and band of this line, for the repair order."""
        self.ensure_one()
        parts = []
        if self.zone_id:
            parts.append(self.zone_id.display_name)
        if self.distance_to_km:
            parts.append(
                self.env._(
                    "%(start)s-%(end)s km",
                    start=format(self.distance_from_km, "g"),
                    end=format(self.distance_to_km, "g"),
                )
            )
        elif self.distance_from_km:
            parts.append(
                self.env._("from %s km", format(self.distance_from_km, "g")),
            )
        return ", ".join(parts)

    @api.constrains("zone_id", "distance_from_km", "distance_to_km")
    def _check_band(self):
        for line in self:
            if line.distance_from_km < 0 or line.distance_to_km < 0:
                raise ValidationError(
                    self.env._("A distance band cannot start or end below 0 km.")
                )
            if line.distance_to_km and line.distance_to_km <= line.distance_from_km:
                raise ValidationError(
                    self.env._(
                        "The distance band %(band)s ends before it starts: its "
                        '"To" must be above its "From" (or 0 for no upper limit).',
                        band=line._band_label(),
                    )
                )
        banded = self.filtered(lambda line: line._has_band())
        for line in banded:
            siblings = self.search(
                [
                    ("id", "!=", line.id),
                    ("zone_id", "=", line.zone_id.id),
                    *line._band_parent_key(),
                ]
            ).filtered(lambda other: other._has_band())
            end = line.distance_to_km or float("inf")
            for other in siblings:
                other_end = other.distance_to_km or float("inf")
                if line.distance_from_km < other_end and other.distance_from_km < end:
                    raise ValidationError(
                        self.env._(
                            "The distance bands %(band)s and %(other)s overlap for "
                            "the same zone: a unit's distance must fall in one "
                            "band only.",
                            band=line._band_label(),
                            other=other._band_label(),
                        )
                    )
