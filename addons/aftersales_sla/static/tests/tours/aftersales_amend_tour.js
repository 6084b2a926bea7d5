/** @odoo-module **/
// A service manager amends a contract in force: its terms are read-only on the
// form, the Amend wizard changes them. The data is created, and the result checked
// in the database, by tests/test_tours_amend.py.

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("aftersales_manager_amend_contract", {
    steps: () => [
        {
            content: "The contract is in force",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Active)",
        },
        {
            content: "Its value is read-only",
            trigger: ".o_field_widget[name=amount_value].o_readonly_modifier",
        },
        {
            content: "Open the Penalties tab",
            trigger: ".o_notebook .nav-link:contains(Penalties)",
            run: "click",
        },
        {
            content: "The caps are read-only",
            trigger: ".o_field_widget[name=penalty_cap_amount].o_readonly_modifier",
        },
        {
            content: "The clauses are read-only",
            trigger:
                ".o_field_widget[name=penalty_rule_ids].o_readonly_modifier .o_data_row:contains(Tour response late)",
        },
        {
            content: "Open the Scope tab",
            trigger: ".o_notebook .nav-link:contains(Scope)",
            run: "click",
        },
        {
            content: "The covered products are read-only",
            trigger:
                ".o_field_widget[name=product_line_ids].o_readonly_modifier .o_data_row:contains(TOUR-SN-1)",
        },
        {
            content: "Amend",
            trigger: ".o_form_view button[name=action_open_amend_wizard]",
            run: "click",
        },
        {
            content: "The wizard opens with the contract's terms",
            trigger: ".modal .o_field_widget[name=amount_value] input",
        },
        {
            content: "Penalties",
            trigger: ".modal .o_notebook .nav-link:contains(Penalties)",
            run: "click",
        },
        {
            content: "The current clause is there",
            trigger:
                ".modal .o_field_widget[name=penalty_rule_ids] .o_data_row:contains(Tour response late)",
        },
        {
            content: "Scope",
            trigger: ".modal .o_notebook .nav-link:contains(Scope)",
            run: "click",
        },
        {
            content: "The covered serial number is there",
            trigger:
                ".modal .o_field_widget[name=product_line_ids] .o_data_row:contains(TOUR-SN-1)",
        },
        {
            content: "Add a covered unit",
            trigger:
                ".modal .o_field_widget[name=product_line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger:
                ".modal .o_field_widget[name=product_line_ids] .o_selected_row .o_field_widget[name=product_id] input",
            run: "edit Tour Smart Lock",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Smart Lock)",
            run: "click",
        },
        {
            trigger:
                ".modal .o_field_widget[name=product_line_ids] .o_selected_row .o_field_widget[name=serial_number] input",
            run: "edit TOUR-SN-2",
        },
        {
            content: "Fees",
            trigger: ".modal .o_notebook .nav-link:contains(Fees)",
            run: "click",
        },
        {
            content: "Add a fee",
            trigger:
                ".modal .o_field_widget[name=fee_line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger:
                ".modal .o_field_widget[name=fee_line_ids] .o_selected_row .o_field_widget[name=name] input",
            run: "edit Night call-out",
        },
        {
            trigger:
                ".modal .o_field_widget[name=fee_line_ids] .o_selected_row .o_field_widget[name=price_unit] input",
            run: "edit 300",
        },
        {
            content: "Back to the penalties",
            trigger: ".modal .o_notebook .nav-link:contains(Penalties)",
            run: "click",
        },
        {
            content: "Lower the cap per term",
            trigger: ".modal .o_field_widget[name=penalty_cap_amount] input",
            run: "edit 6000",
        },
        {
            content: "Why",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Second lock covered, night call-outs, lower cap",
        },
        {
            content: "Apply",
            trigger: ".modal footer button[name=action_apply]",
            run: "click",
        },
        {
            content: "Back on the contract",
            trigger: "body:not(:has(.modal)) .o_form_saved",
        },
        {
            content: "The new serial number is covered",
            trigger: ".o_notebook .nav-link:contains(Scope)",
            run: "click",
        },
        {
            trigger:
                ".o_field_widget[name=product_line_ids] .o_data_row:contains(TOUR-SN-2)",
        },
        {
            content: "The amendment and its changes are listed",
            trigger: ".o_notebook .nav-link:contains(Amendments)",
            run: "click",
        },
        {
            trigger:
                ".o_field_widget[name=amendment_ids] .o_data_row:contains(Amendment 1):contains(TOUR-SN-2)",
        },
    ],
});
