/** @odoo-module **/
// A portal customer reports a problem, signs the service report of a resolved
// ticket (which accepts and closes it) and answers the satisfaction survey that
// closing sends. The data is created by tests/test_portal_tour.py.

import { registry } from "@web/core/registry";
import { redirect } from "@web/core/utils/urls";

registry.category("web_tour.tours").add("aftersales_portal_customer", {
    url: "/my/aftersales/tickets/new",
    steps: () => [
        {
            content: "Describe the problem",
            trigger: "form input[name=name]",
            run: "edit Tour: the door lock beeps all night",
        },
        {
            trigger: "form textarea[name=description]",
            run: "edit It started after the battery change.",
        },
        {
            trigger: "form button[type=submit]:contains(Submit)",
            run: "click",
        },
        {
            content: "The new ticket's page",
            trigger: "h4:contains(Tour: the door lock beeps all night)",
            run: () => redirect("/my/aftersales/tickets"),
        },
        {
            content: "Open the resolved ticket",
            trigger: "tr:contains(Tour resolved lock) a",
            run: "click",
        },
        {
            content: "Sign the service report",
            trigger: "a.o_aftersales_sign",
            run: "click",
        },
        {
            trigger: ".modal .o_web_sign_auto_select_style button",
            run: "click",
        },
        {
            trigger: ".o-dropdown-item:eq(1)",
            run: "click",
        },
        {
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
        },
        {
            content: "The service is accepted",
            trigger: ".alert-success:contains(signed)",
        },
        {
            content: "Closing sent the satisfaction survey",
            trigger: "a:contains(Answer the survey)",
            run: "click",
        },
        {
            trigger: "button.btn:contains(Start)",
            run: "click",
        },
        {
            trigger:
                "div.js_question-wrapper:contains(How courteous) label:contains(Rather)",
            run: "click",
        },
        {
            trigger: "button[value=finish]",
            run: "click",
        },
        {
            content: "Thank you",
            trigger: "h1:contains(Thank you)",
        },
    ],
});
