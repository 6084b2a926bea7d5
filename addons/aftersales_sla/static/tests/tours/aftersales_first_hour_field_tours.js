/** @odoo-module **/
// The technician's first hour on the demo data (issue #12), run in English and in
// Chinese by tests/test_tours_first_hour_field.py (the user's language decides
// what the buttons say; the triggers use names and data, not labels).

import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { redirect } from "@web/core/utils/urls";

/** What the user reads, by his language. */
function expected() {
    const chinese = (user.lang || "").startsWith("zh");
    return chinese
        ? { resolve: "解决", arrive: "已到场" }
        : { resolve: "Resolve", arrive: "Arrived On Site" };
}

/** Draw a stroke on the signature pad, as a finger or a mouse would. */
function drawSignature() {
    const canvas = document.querySelector(".modal canvas.o_web_sign_signature");
    const rect = canvas.getBoundingClientRect();
    const points = [
        [0.1, 0.7],
        [0.25, 0.2],
        [0.4, 0.75],
        [0.6, 0.2],
        [0.75, 0.7],
        [0.9, 0.3],
    ];
    const event = (type, [x, y]) =>
        new PointerEvent(type, {
            bubbles: true,
            cancelable: true,
            pointerId: 1,
            pointerType: "pen",
            isPrimary: true,
            buttons: 1,
            pressure: 0.5,
            clientX: rect.left + x * rect.width,
            clientY: rect.top + y * rect.height,
        });
    canvas.dispatchEvent(event("pointerdown", points[0]));
    for (const point of points.slice(1)) {
        canvas.dispatchEvent(event("pointermove", point));
    }
    canvas.ownerDocument.dispatchEvent(event("pointerup", points.at(-1)));
}

registry.category("web_tour.tours").add("aftersales_first_hour_technician", {
    url: "/odoo/action-aftersales_sla.aftersales_ticket_action",
    steps: () => [
        {
            content: "His open tickets: the low-battery lock",
            trigger: ".o_kanban_record:contains(门锁低电量报警频繁)",
            run: "click",
        },
        {
            content: "He reads the buttons in his language",
            trigger: ".o_form_view .o_statusbar_buttons",
            run() {
                const labels = expected();
                const resolve = document.querySelector("button[name=action_resolve]");
                const arrive = document.querySelector("button[name=action_arrive]");
                if (!resolve.textContent.includes(labels.resolve)) {
                    throw new Error(`Resolve button reads ${resolve.textContent}`);
                }
                if (!arrive.textContent.includes(labels.arrive)) {
                    throw new Error(`Arrive button reads ${arrive.textContent}`);
                }
            },
        },
        {
            content: "He arrives on site",
            trigger: ".o_form_view button[name=action_arrive]",
            run: "click",
        },
        {
            trigger: ".o_form_view:not(:has(button[name=action_arrive]))",
        },
        {
            content: "He resolves it",
            trigger: ".o_form_view button[name=action_resolve]",
            run: "click",
        },
        {
            content: "Resolved: Sign is offered, Accept is not",
            trigger:
                ".o_form_view:not(:has(button[name=action_resolve])) .o_aftersales_sign_button",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons:not(:has(button[name=action_accept]))",
        },
        {
            content: "The SLA tab shows the clocks, without money",
            trigger: ".o_notebook .nav-link[name=sla]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=sla_ids] th[data-name=deadline]",
        },
        {
            trigger: ".o_field_widget[name=sla_ids]:not(:has(th[data-name=penalty_accrued]))",
        },
        {
            content: "The customer signs on his device",
            trigger: ".o_form_view .o_aftersales_sign_button",
            run: "click",
        },
        {
            content: "The signer is the ticket's contact",
            trigger: ".modal .o_field_widget[name=signed_by] input:value(李明)",
        },
        {
            trigger: ".modal .o_field_widget[name=signature] .o_signature",
            run: "click",
        },
        {
            content: "Draw the signature",
            trigger: ".modal .o_web_sign_draw_button",
            run: "click",
        },
        {
            trigger: ".modal .o_web_sign_draw_button.active",
        },
        {
            trigger: ".modal canvas.o_web_sign_signature",
            run: drawSignature,
        },
        {
            content: "Adopt the signature",
            trigger:
                ".modal:has(.o_web_sign_name_and_signature) .modal-footer .btn-primary:enabled",
            run: "click",
        },
        {
            content: "The wizard shows it",
            trigger: ".modal .o_field_widget[name=signature] img.o_signature",
        },
        {
            content: "Sign and accept",
            trigger: ".modal button[name=action_sign]",
            run: "click",
        },
        {
            content: "Signed by the customer: the sign-off shows on the ticket",
            trigger: "body:not(:has(.modal)) .o_field_widget[name=signed_by]:contains(李明)",
        },
        {
            trigger: ".o_form_view:not(:has(.o_aftersales_sign_button))",
        },
        {
            content: "The contract of his tickets",
            trigger: ".o_form_view .o_field_widget[name=contract_id]",
            run: () => redirect("/odoo/action-aftersales_sla.aftersales_contract_action"),
        },
        {
            content: "No contract value in the list",
            trigger:
                ".o_list_view .o_data_row:contains(智能门锁全保服务合同):not(:has([name=amount_value]))",
        },
        {
            trigger: ".o_list_view:not(:has(th[data-name=amount_value]))",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(智能门锁全保服务合同) td[name=partner_id]",
            run: "click",
        },
        {
            content: "The contract opens, without its value nor its penalty clauses",
            trigger: ".o_form_view .o_field_widget[name=title]:contains(智能门锁全保服务合同)",
        },
        {
            trigger:
                ".o_form_view:not(:has(.o_field_widget[name=amount_value])):not(:has(.nav-link[name=penalties]))",
        },
        {
            content: "The fees, without their prices",
            trigger: ".o_notebook .nav-link[name=fees]",
            run: "click",
        },
        {
            trigger:
                ".o_field_widget[name=fee_line_ids]:not(:has(th[data-name=price_unit]))",
        },
    ],
});
