/** @odoo-module **/
// A service manager keeps a service calendar on which SLA clocks run. The data
// (calendar, holidays, extra working days, contract, ticket) is created by the Python
// test in tests/test_tours_calendar.py, which then checks the ticket's deadline.

import { registry } from "@web/core/registry";

const { DateTime } = luxon;
const DATETIME_FORMAT = "MM/dd/yyyy HH:mm:ss";

registry.category("web_tour.tours").add("aftersales_calendar_holiday", {
    url: "/odoo/action-aftersales_sla.aftersales_ticket_action",
    steps: () => {
        // From yesterday to a week from today (browser time): whatever the browser's
        // time zone, this covers the whole day of the ticket's deadline.
        const today = DateTime.now().startOf("day");
        const holidayFrom = today.minus({ days: 1 }).toFormat(DATETIME_FORMAT);
        const holidayTo = today.plus({ days: 7 }).endOf("day").toFormat(DATETIME_FORMAT);
        const holidays = ".o_field_widget[name=global_leave_ids]";
        const newHoliday = `${holidays} .o_data_row.o_selected_row`;
        return [
            {
                content: "Open the configuration menu",
                trigger:
                    ".o_main_navbar button[data-menu-xmlid='aftersales_sla.aftersales_config_menu']",
                run: "click",
            },
            {
                content: "Open the service calendars",
                trigger: ".dropdown-item[data-menu-xmlid='aftersales_sla.aftersales_calendar_menu']",
                run: "click",
            },
            {
                trigger: ".o_list_view .o_data_row:contains(Tour Service Calendar) td[name=name]",
                run: "click",
            },
            {
                content: "The public holidays are shown without debug mode",
                trigger: ".o_form_view .o_notebook .nav-link:contains(Public Holidays)",
                run: "click",
            },
            {
                trigger: `${holidays} .o_data_row:contains(Tour Founding Day)`,
            },
            {
                content: "So are the extra working days",
                trigger: ".o_form_view .o_notebook .nav-link:contains(Extra Working Days)",
                run: "click",
            },
            {
                trigger:
                    ".o_field_widget[name=aftersales_extra_day_ids] .o_data_row:contains(Tour swapped working day)",
            },
            {
                trigger: ".o_form_view .o_notebook .nav-link:contains(Public Holidays)",
                run: "click",
            },
            {
                content: "Add a public holiday over the ticket's deadline",
                trigger: `${holidays} .o_field_x2many_list_row_add a`,
                run: "click",
            },
            {
                trigger: `${newHoliday} .o_field_widget[name=name] input`,
                run: "edit Tour Company Outing",
            },
            {
                trigger: `${newHoliday} .o_field_widget[name=date_from] input`,
                run: `edit ${holidayFrom}`,
            },
            {
                trigger: `${newHoliday} .o_field_widget[name=date_to] input`,
                run: `edit ${holidayTo}`,
            },
            {
                content: "Close the date picker",
                trigger: `${newHoliday} .o_field_widget[name=name] input`,
                run: "click",
            },
            {
                content: "Save",
                trigger: ".o_form_view .o_form_button_save",
                run: "click",
            },
            {
                content: "Saved without error",
                trigger: `.o_form_view .o_form_saved ${holidays} .o_data_row:contains(Tour Company Outing)`,
            },
        ];
    },
});
