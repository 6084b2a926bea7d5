/** @odoo-module **/
// Issue #13: the technician records a spare part not approved for the repaired
// product on his ticket's repair (tests/test_parts.py builds the data). The
// triggers avoid UI text: the tour runs in English and in Chinese.

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("aftersales_record_parts", {
    url: "/odoo/action-aftersales_sla.aftersales_ticket_action?view_type=list",
    steps: () => [
        {
            content: "Open his ticket",
            trigger: ".o_data_row:contains(水温不稳) .o_data_cell",
            run: "click",
        },
        {
            content: "The Coverage tab holds the repair's buttons",
            trigger: ".o_notebook .nav-link[name=coverage]",
            run: "click",
        },
        {
            content: "Record Parts",
            trigger: ".o_form_view button[name=action_open_record_parts]",
            run: "click",
        },
        {
            content: "His only van is proposed",
            trigger: ".modal .o_field_widget[name=location_id] input:value(Tour van)",
        },
        {
            trigger: ".modal .o_field_widget[name=product_id] input",
            run: "edit Tour fan",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Tour fan)",
            run: "click",
        },
        {
            content: "Not approved for the heater: the wizard warns and asks why",
            trigger: ".modal .alert-warning:visible",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] input",
            run: "edit Tour reason: original out of stock",
        },
        {
            content: "Record",
            trigger: ".modal button[name=action_record]",
            run: "click",
        },
        {
            content: "Recorded: the wizard is closed",
            trigger: "body:not(:has(.modal)) .o_form_view",
        },
    ],
});
