/** @odoo-module **/
// The manager settles the month (issue #14, item 5): a new settlement of last
// month for the service partner's back-to-back contract, Compute (the job lines
// and the penalty deduction), Confirm, Create Bill, the vendor bill. The data is
// made by tests/test_settlement_tour.py; triggers avoid language-dependent text
// (the tour runs in English and in Chinese).

import { registry } from "@web/core/registry";

const CONTRACT_TITLE = "Tour 顺德背靠背";

registry.category("web_tour.tours").add("aftersales_settlement_month", {
    steps: () => [
        {
            content: "A new settlement",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Open the partner contracts",
            trigger: ".o_field_widget[name=contract_id] input",
            run: "click",
        },
        {
            content: "The tour's back-to-back contract",
            trigger: `.o-autocomplete--dropdown-item:contains(${CONTRACT_TITLE})`,
            run: "click",
        },
        {
            content: "Last month by default",
            trigger: ".o_field_widget[name=date_from] input:value(01)",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Compute the month",
            trigger: ".o_form_saved button[name=action_compute]",
            run: "click",
        },
        {
            content: "Two jobs priced: 440.00",
            trigger: ".o_field_widget[name=amount_jobs]:contains(440.00)",
        },
        {
            content: "The parts line at cost plus 15 %",
            trigger: ".o_field_widget[name=line_ids] .o_data_row [name=price_unit]:contains(115.00)",
        },
        {
            content: "The penalty deducted",
            trigger: ".o_field_widget[name=amount_deductions]:contains(300.00)",
        },
        {
            content: "The deductions tab",
            trigger: ".o_notebook a.nav-link[name=penalties]",
            run: "click",
        },
        {
            content: "The penalty is listed",
            trigger: ".o_field_widget[name=penalty_ids] .o_data_row:contains(300.00)",
        },
        {
            content: "Net 140.00",
            trigger: ".o_field_widget[name=amount_net]:contains(140.00)",
        },
        {
            content: "Confirm",
            trigger: "button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Confirmed",
            trigger: ".o_statusbar_status .o_arrow_button_current[data-value=confirmed]",
        },
        {
            content: "Create the vendor bill",
            trigger: "button[name=action_create_bill]",
            run: "click",
        },
        {
            content: "The vendor bill, its penalty deducted",
            trigger: ".o_form_view .o_field_widget[name=invoice_line_ids] .o_data_row:contains(-300.00)",
        },
        {
            content: "Its total is the net",
            trigger: ".o_form_view .o_field_widget[name=amount_total]:contains(140.00), .o_form_view .oe_subtotal_footer:contains(140.00), .o_form_view .o_tax_totals:contains(140.00)",
        },
    ],
});
