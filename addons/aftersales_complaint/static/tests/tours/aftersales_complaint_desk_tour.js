/** @odoo-module **/
// Issue #15's complaints desk, role by role: a customer complains on the portal
// about a missed appointment on one of their tickets; the desk classifies,
// escalates and sends the outcome; the customer rejects it (with a reason); the
// desk answers again; the customer confirms. Run in English and in Chinese by
// tests/test_complaint_tours.py, which makes the data and checks the database
// between the tours. The triggers use names, classes and data, not labels.

import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

/** Test data shared with tests/test_complaint_tours.py. */
const SUBJECT = "Tour 约好上门没有人来";
const OUTCOME = "Tour 已安排主管上门致歉";
const OUTCOME_AGAIN = "Tour 主管已上门并免收上门费";
const REASON = "Tour 主管没有来";
const ESCALATION = "Tour 客户要向12315投诉";

/** The portal page's chatter loaded: the tour ends with no asset still loading. */
const CHATTER_LOADED = {
    content: "The messages are loaded",
    trigger: "#chatterRoot:shadow .o-mail-Thread",
};

function complaintIs(state) {
    return {
        content: `The complaint is ${state}`,
        trigger: `.o_complaint_section[data-complaint-state=${state}]`,
    };
}

// a. The customer complains about a missed appointment, from the ticket's page.
tours.add("aftersales_complaint_customer_complains", {
    steps: () => [
        {
            content: "Complain about this ticket",
            trigger: "a.o_complaint_new",
            run: "click",
        },
        {
            content: "The ticket is chosen already",
            trigger: "select[name=ticket_id]:has(option[selected][data-number])",
        },
        {
            content: "A missed appointment",
            trigger: "select[name=category_id]:has(option[data-code=missed_appointment])",
            run(helpers) {
                const option = this.anchor.querySelector(
                    "option[data-code=missed_appointment]"
                );
                return helpers.select(option.value);
            },
        },
        {
            trigger: "form.o_complaint_new_form input[name=name]",
            run: `edit ${SUBJECT}`,
        },
        {
            trigger: "form.o_complaint_new_form textarea[name=description]",
            run: "edit 等了一上午 / Waited all morning.",
        },
        {
            content: "Submit",
            trigger: "form.o_complaint_new_form button[name=complaint_submit]",
            run: "click",
        },
        {
            content: "The complaint's page",
            trigger: `.o_complaint_filed`,
        },
        {
            trigger: `.card-header h4:contains(${SUBJECT})`,
        },
        complaintIs("open"),
        CHATTER_LOADED,
    ],
});

/** The desk writes ``text`` as the outcome and sends it. */
function answerSteps(text) {
    return [
        {
            content: "The complaint tab",
            trigger: ".o_notebook .nav-link[name=complaint]",
            run: "click",
        },
        {
            content: "Write the outcome",
            trigger: ".o_field_widget[name=complaint_outcome] .odoo-editor-editable p",
            run: `editor ${text}`,
        },
        {
            content: "Send it",
            trigger: ".o_form_view button[name=action_complaint_send_outcome]",
            run: "click",
        },
        {
            content: "Confirm the sending",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Sent: the outcome is read-only and the button gone",
            trigger:
                ".o_form_view:not(:has(button[name=action_complaint_send_outcome])) .o_field_widget[name=complaint_outcome]",
        },
        {
            content: "The outcome as sent",
            trigger: `.o_field_widget[name=complaint_outcome]:contains(${text})`,
        },
    ];
}

// b. The desk classifies the complaint, escalates it and sends the outcome.
tours.add("aftersales_complaint_desk_handles", {
    steps: () => [
        {
            content: "Classify",
            trigger: ".o_form_view button.o_complaint_classify",
            run: "click",
        },
        {
            content: "The category the customer chose",
            trigger: ".modal .o_field_widget[name=complaint_category_id] input",
        },
        {
            content: "Record the classification",
            trigger: ".modal button[name=action_classify]",
            run: "click",
        },
        {
            content: "Classified",
            trigger: ".o_form_view button.o_complaint_reclassify",
        },
        {
            content: "Escalate",
            trigger: ".o_form_view button.o_complaint_escalate",
            run: "click",
        },
        {
            content: "Why",
            trigger: ".modal .o_field_widget[name=reason] input",
            run: `edit ${ESCALATION}`,
        },
        {
            content: "Escalate to the next level",
            trigger: ".modal button[name=action_escalate]",
            run: "click",
        },
        {
            content: "Escalated",
            trigger: "body:not(:has(.modal))",
        },
        ...answerSteps(OUTCOME),
    ],
});

// c. The customer reads the outcome and rejects it, with a reason.
tours.add("aftersales_complaint_customer_rejects", {
    steps: () => [
        complaintIs("answered"),
        {
            content: "The outcome",
            trigger: `.o_complaint_outcome:contains(${OUTCOME})`,
        },
        {
            content: "Why it does not settle the complaint",
            trigger: ".o_complaint_reject_form textarea[name=reason]",
            run: `edit ${REASON}`,
        },
        {
            content: "Reject",
            trigger: "button[name=complaint_reject]",
            run: "click",
        },
        {
            trigger: ".o_complaint_rejected",
        },
        complaintIs("rejected"),
        CHATTER_LOADED,
    ],
});

// d. The desk answers again.
tours.add("aftersales_complaint_desk_answers_again", {
    steps: () => answerSteps(OUTCOME_AGAIN),
});

// e. The customer confirms the new outcome.
tours.add("aftersales_complaint_customer_confirms", {
    steps: () => [
        {
            content: "The new outcome",
            trigger: `.o_complaint_outcome:contains(${OUTCOME_AGAIN})`,
        },
        {
            content: "Confirm",
            trigger: "button[name=complaint_confirm]",
            run: "click",
        },
        {
            trigger: ".o_complaint_confirmed",
        },
        complaintIs("confirmed"),
        CHATTER_LOADED,
    ],
});
