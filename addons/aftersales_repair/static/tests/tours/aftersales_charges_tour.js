/** @odoo-module **/
// A ticket's charges, as a billing clerk sees them (issue #13): the Charges tab
// with the amounts and the invoice, then the Invoices smart button. The data is
// created by tests/test_charges_tour.py; triggers avoid language-dependent text
// (the tour runs in English and in Chinese).

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("aftersales_ticket_charges", {
    steps: () => [
        {
            content: "Open the ticket's Charges tab",
            trigger: ".o_notebook a.nav-link[name=charges]",
            run: "click",
        },
        {
            content: "Paid: the payment badge is green",
            trigger: ".o_field_widget[name=charges_payment_state] .badge.text-bg-success",
        },
        {
            content: "Nothing is due any more",
            trigger: ".o_field_widget[name=amount_due]:contains(0.00)",
        },
        {
            content: "The invoice is listed, paid off",
            trigger: ".o_field_widget[name=invoice_ids] .o_data_row:contains(200.00) [name=amount_residual]:contains(0.00)",
        },
        {
            content: "The quotation is listed",
            trigger: ".o_field_widget[name=sale_order_ids] .o_data_row:contains(TOURSO-0001)",
        },
        {
            content: "Open the invoices from the smart button",
            trigger: "button[name=action_view_invoices]",
            run: "click",
        },
        {
            content: "The ticket's invoice, and only it",
            trigger: ".o_list_view:not(:has(.o_data_row ~ .o_data_row)) .o_data_row:contains(200.00)",
        },
    ],
});
