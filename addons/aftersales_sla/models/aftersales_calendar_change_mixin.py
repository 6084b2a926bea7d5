from odoo import api, models


class AftersalesCalendarChangeMixin(models.AbstractModel):
    """Records that shape a calendar's working time (attendances, extra working
    days): creating, changing or deleting one re-projects the open SLA clocks on
    its calendar at once."""

    _name = "aftersales.calendar.change.mixin"
    _description = "After-Sales Calendar Change Notification"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.calendar_id._aftersales_calendar_changed()
        return records

    def write(self, vals):
        calendars = self.calendar_id
        result = super().write(vals)
        (calendars | self.calendar_id)._aftersales_calendar_changed()
        return result

    def unlink(self):
        calendars = self.calendar_id
        result = super().unlink()
        calendars.exists()._aftersales_calendar_changed()
        return result
