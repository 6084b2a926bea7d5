from odoo import api, models

# Fields of a leave that decide which working time it removes.
INTERVAL_FIELDS = {"calendar_id", "resource_id", "date_from", "date_to", "time_type"}


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    def _aftersales_affected_calendars(self):
        """Calendars whose working time these leaves change: global leaves only
        (no resource); a global leave without a calendar applies to all."""
        global_leaves = self.filtered(lambda leave: not leave.resource_id)
        if not global_leaves:
            return self.env["resource.calendar"]
        if any(not leave.calendar_id for leave in global_leaves):
            return self.env["resource.calendar"]._aftersales_all_calendars()
        return global_leaves.calendar_id

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        leaves._aftersales_affected_calendars()._aftersales_calendar_changed()
        return leaves

    def write(self, vals):
        if not INTERVAL_FIELDS.intersection(vals):
            return super().write(vals)
        calendars = self._aftersales_affected_calendars()
        result = super().write(vals)
        (
            calendars | self._aftersales_affected_calendars()
        )._aftersales_calendar_changed()
        return result

    def unlink(self):
        calendars = self._aftersales_affected_calendars()
        result = super().unlink()
        calendars.exists()._aftersales_calendar_changed()
        return result
