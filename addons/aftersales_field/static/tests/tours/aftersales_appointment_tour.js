/** @odoo-module **/
// The dispatcher books the visit agreed with the customer (issue #14): Book Visit
// on the ticket, the technician and tomorrow 10:00 (in the user's time zone and
// date format), confirm; then finds the visit in Dispatch. The data is created by
// tests/test_appointment_tour.py; triggers avoid language-dependent text (the tour
// runs in English and in Chinese).

import { registry } from "@web/core/registry";
import { formatDateTime } from "@web/core/l10n/dates";

const { DateTime } = luxon;

const TECHNICIAN = "Tour 张师傅";
const SUBJECT = "Tour 热水器预约上门";

registry.category("web_tour.tours").add("aftersales_appointment_book", {
    steps: () => {
        const slot = DateTime.local()
            .plus({ days: 1 })
            .set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
        return [
            {
                content: "Open the ticket's Visit tab",
                trigger: ".o_notebook a.nav-link[name=appointment]",
                run: "click",
            },
            {
                content: "Book Visit",
                trigger: ".o_form_view button[name=action_open_appointment_book].btn-primary",
                run: "click",
            },
            {
                content: "Pick the technician",
                trigger: ".modal .o_field_widget[name=user_id] input",
                run: `edit ${TECHNICIAN}`,
            },
            {
                trigger: `.o-autocomplete--dropdown-item:contains(${TECHNICIAN})`,
                run: "click",
            },
            {
                content: "Tomorrow 10:00",
                trigger: ".modal .o_field_widget[name=slot_start] input",
                run: `edit ${formatDateTime(slot)}`,
            },
            {
                content: "The slot lasts two hours by default",
                trigger: ".modal .o_field_widget[name=slot_end] input",
                run: "click",
            },
            {
                content: "Confirm",
                trigger: ".modal button[name=action_confirm]",
                run: "click",
            },
            {
                content: "The agreed visit shows on the ticket",
                trigger: `body:not(:has(.modal)) .o_field_widget[name=appointment_user_id]:contains(${TECHNICIAN})`,
            },
            {
                content: "And in its list of visits",
                trigger: `.o_field_widget[name=appointment_ids] .o_data_row:contains(${TECHNICIAN})`,
            },
        ];
    },
});

registry.category("web_tour.tours").add("aftersales_appointment_dispatch", {
    steps: () => [
        {
            content: "Search the ticket in Dispatch",
            trigger: ".o_searchview_input",
            run: `edit ${SUBJECT}`,
        },
        {
            content: "Search by ticket (the first field)",
            trigger: ".o_searchview_autocomplete .o_menu_item:first",
            run: "click",
        },
        {
            content: "Only the ticket's day is left: open it",
            trigger:
                ".o_list_view:not(:has(.o_group_header ~ .o_group_header)) .o_group_header:not(.o_group_open)",
            run: "click",
        },
        {
            content: "Open the technician",
            trigger: `.o_group_header.o_group_open + .o_group_header:not(.o_group_open):contains(${TECHNICIAN})`,
            run: "click",
        },
        {
            content: "Open the region",
            trigger: ".o_group_header.o_group_open + .o_group_header.o_group_open + .o_group_header:not(.o_group_open)",
            run: "click",
        },
        {
            content: "The visit is listed",
            trigger: `.o_data_row:contains(${SUBJECT}):contains(${TECHNICIAN})`,
        },
    ],
});
