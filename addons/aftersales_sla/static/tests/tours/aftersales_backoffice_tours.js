/** @odoo-module **/
// Back-office tours of aftersales_sla. The data (customers, calendars, policies,
// tickets, penalties) is created by the Python tests in tests/test_tours.py.

import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

// A manager creates a contract and puts it in force.
tours.add("aftersales_manager_contract", {
    url: "/odoo/action-aftersales_sla.aftersales_contract_action/new",
    steps: () => [
        {
            content: "Choose the customer",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Tour Lock Customer",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Lock Customer)",
            run: "click",
        },
        {
            content: "Say what the contract is about",
            trigger: ".o_field_widget[name=title] input",
            run: "edit Tour smart lock service",
        },
        {
            content: "Contract value",
            trigger: ".o_field_widget[name=amount_value] input",
            run: "edit 120000",
        },
        {
            content: "End of the term",
            trigger: ".o_field_widget[name=date_end] input",
            run: "edit 12/31/2030",
        },
        {
            content: "Open the SLA tab",
            trigger: ".o_notebook .nav-link:contains(SLA)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=calendar_id] input",
            run: "edit Tour Service Hours",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Service Hours)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=sla_policy_id] input",
            run: "edit Tour Lock SLA",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Lock SLA)",
            run: "click",
        },
        {
            content: "The policy's targets are shown",
            trigger: ".o_field_widget[name=sla_target_ids] .o_data_row",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Activate",
            trigger: ".o_form_saved button[name=action_activate]",
            run: "click",
        },
        {
            content: "The contract is in force",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Active)",
        },
        {
            content: "Its terms are now read-only",
            trigger: ".o_field_widget[name=partner_id].o_readonly_modifier",
        },
    ],
});

// A technician works a ticket through its milestones; the SLA badge follows.
tours.add("aftersales_technician_ticket", {
    url: "/odoo/action-aftersales_sla.aftersales_ticket_action",
    steps: () => [
        {
            content: "The new ticket runs its SLA clocks",
            trigger:
                ".o_kanban_record:contains(Tour lock jammed):not(:has(.badge:contains(SLA met))) .badge.text-bg-light",
        },
        {
            trigger: ".o_kanban_record:contains(Tour lock jammed)",
            run: "click",
        },
        {
            content: "Open the SLA tab",
            trigger: ".o_notebook .nav-link:contains(SLA)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=sla_status]:contains(On Track)",
        },
        {
            content: "Acknowledge: the response clock is met",
            trigger: "button[name=action_acknowledge]",
            run: "click",
        },
        {
            trigger:
                ".o_field_widget[name=sla_ids] .o_data_row:contains(Response):contains(Met)",
        },
        {
            content: "Resolve",
            trigger: "button[name=action_resolve]",
            run: "click",
        },
        {
            content: "Every clock is met",
            trigger: ".o_field_widget[name=sla_status]:contains(Met)",
        },
        {
            trigger: ".o_breadcrumb a:contains(Tickets)",
            run: "click",
        },
        {
            content: "Show resolved tickets too",
            trigger: ".o_searchview_facet:contains(Open) .o_facet_remove",
            run: "click",
        },
        {
            content: "The kanban badge says the SLA was met",
            trigger: ".o_kanban_record:contains(Tour lock jammed) .badge:contains(SLA met)",
        },
    ],
});

// An accountant posts confirmed penalties to a customer credit note.
tours.add("aftersales_accountant_credit_note", {
    url: "/odoo/action-aftersales_sla.aftersales_penalty_action",
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains(Tour Lock Customer)",
        },
        {
            content: "Select the penalties",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            trigger: ".o_cp_action_menus .dropdown-toggle",
            run: "click",
        },
        {
            trigger: ".o-dropdown-item:contains(Invoice Penalties)",
            run: "click",
        },
        {
            content: "Post the credit note at once",
            trigger: ".modal .o_field_widget[name=post] input",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "The posted credit note",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Posted)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains(Tour Lock Customer)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=invoice_line_ids]:contains(1,000.00):contains(500.00)",
        },
    ],
});
