/** @odoo-module **/
// Tours of issue #10 (every promise gets a clock), as a service manager does it.
// The data is created by tests/test_tours_promises.py.

import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

// A High ticket on a contract whose policy only promises Normal tickets is flagged;
// the manager finds it, adds a target for any priority, and the ticket gets its clock.
tours.add("aftersales_unmatched_target", {
    url: "/odoo/action-aftersales_sla.aftersales_ticket_action?view_type=list",
    steps: () => [
        {
            content: "Open the search options",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Filter the tickets no SLA target fits",
            trigger: ".o_filter_menu .dropdown-item:contains(No Matching SLA Target)",
            run: "click",
        },
        {
            content: "The flagged ticket is listed with its own SLA status",
            trigger: ".o_data_row:contains(Tour urgent lock) .badge:contains(No Matching Target)",
            run: "click",
        },
        {
            content: "The form says why it has no clock",
            trigger: ".o_form_view .alert-warning:contains(none of its SLA targets)",
        },
        {
            content: "Go to the SLA policies",
            trigger: ".o_main_navbar button:contains(Configuration)",
            run: "click",
        },
        {
            trigger: ".dropdown-item:contains(SLA Policies)",
            run: "click",
        },
        {
            trigger: ".o_data_row:contains(Tour Normal-only SLA) .o_data_cell",
            run: "click",
        },
        {
            content: "Add a target",
            trigger: ".o_field_widget[name=target_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_data_row.o_selected_row [name=metric] select",
            run: "select \"response\"",
        },
        {
            content: "Priority left empty: any priority",
            trigger: ".o_data_row.o_selected_row [name=priority] select:has(option:selected[value=false])",
        },
        {
            trigger: ".o_data_row.o_selected_row [name=target_hours] input",
            run: "edit 08:00",
        },
        {
            content: "Save the policy",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
    ],
});

// Pausing for "waiting for the customer": the wizard says which clocks stop, and the
// ticket moves to the matching stage.
tours.add("aftersales_pause_shows_clocks", {
    url: "/odoo/action-aftersales_sla.aftersales_ticket_action?view_type=list",
    steps: () => [
        {
            trigger: ".o_data_row:contains(Tour waiting lock) .o_data_cell",
            run: "click",
        },
        {
            content: "Pause",
            trigger: ".o_form_view button:contains(Pause)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=reason_id] input",
            run: "edit Waiting for the customer",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Waiting for the customer)",
            run: "click",
        },
        {
            content: "The wizard shows which clocks stop and which keep running",
            trigger:
                ".modal .o_aftersales_pause_clocks tr:contains(Tour waiting lock):contains(Resolution):contains(Response)",
        },
        {
            trigger: ".modal .o_aftersales_pause_clocks th:contains(Clocks that keep running)",
        },
        {
            trigger: ".modal button[name=action_pause]",
            run: "click",
        },
        {
            content: "The ticket moved to the waiting stage",
            trigger:
                ".o_statusbar_status button.o_arrow_button_current:contains(Waiting for Customer)",
        },
    ],
});
