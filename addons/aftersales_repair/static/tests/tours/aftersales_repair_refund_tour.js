/** @odoo-module **/
// A billing user refunds part of a failed repair's invoice from the ticket (issue #13).
// Runs in English and in Chinese (tests/test_tours_guarantee.py sets the user's
// language). Triggers use names; the new strings are not translated yet, so the text
// checked is data (the invoice number, amounts).

import { registry } from "@web/core/registry";

/** Fail the tour with a message (from a step's run function). */
function check(condition, message) {
    if (!condition) {
        throw new Error(message);
    }
}

registry.category("web_tour.tours").add("aftersales_repair_refund", {
    steps: () => {
        let invoiceName = null;
        return [
            {
                content: "The ticket's coverage tab",
                trigger: ".o_form_view .o_notebook .nav-link[name=coverage]",
                run: "click",
            },
            {
                content: "Refund the repair",
                trigger: ".o_form_view button[name=action_open_refund]",
                run: "click",
            },
            {
                content: "The ticket's invoice is proposed, with all of it to refund",
                trigger: ".modal .o_field_widget[name=invoice_id] input",
                run() {
                    invoiceName = this.anchor.value.trim();
                    check(/\d/.test(invoiceName), `no invoice number: ${invoiceName}`);
                },
            },
            {
                trigger: ".modal .o_field_widget[name=amount_left]:contains(400.00)",
            },
            {
                trigger: ".modal .o_field_widget[name=amount] input",
                run: "edit 500",
            },
            {
                trigger: ".modal .o_field_widget[name=reason] textarea",
                run: "edit 点火针又坏了",
            },
            {
                content: "More than the invoice: refused",
                trigger: ".modal button[name=action_apply]",
                run: "click",
            },
            {
                content: "The error names the invoice and what is left of it",
                trigger: ".o_error_dialog .modal-body:contains(400.00)",
                run() {
                    check(
                        this.anchor.textContent.includes(invoiceName),
                        `${invoiceName} not in: ${this.anchor.textContent}`
                    );
                },
            },
            {
                trigger: ".o_error_dialog .modal-footer .btn-primary",
                run: "click",
            },
            {
                trigger: ".modal:not(:has(.o_error_dialog)) .o_field_widget[name=amount] input",
                run: "edit 150",
            },
            {
                trigger: ".modal:not(:has(.o_error_dialog)) button[name=action_apply]",
                run: "click",
            },
            {
                content: "The wizard closed: the credit note is issued",
                trigger: "body:not(:has(.modal))",
            },
        ];
    },
});
