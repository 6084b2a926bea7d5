/** @odoo-module **/
// Issue #13's chargeable repair, role by role: a water-heater buyer without a
// contract reports a fault on the portal, the technician finds the unit out of
// warranty and quotes, the buyer signs the quotation, the technician resolves.
// Run in English and in Chinese by tests/test_tours_repair.py, which makes the data
// and checks the database between the tours. The triggers use names and data, not
// labels; what the user reads is checked against his language.

import { registry } from "@web/core/registry";
import { user } from "@web/core/user";

const tours = registry.category("web_tour.tours");

/** Test data shared with tests/test_tours_repair.py. */
const SUBJECT = "Tour 热水器不出热水";
const SERIAL = "TOUR-WH-0001";
const PRODUCT = "Tour 燃气热水器 JSQ20";
const BUYER = "Tour 张伟";
/** The standard visit fee and labour (tests/test_repair_orders.make_fee_products). */
const VISIT = "上门费 Visit";
const LABOUR = "工时 Labour";

/** The portal page's chatter loaded: the tour ends with no asset still loading. */
const CHATTER_LOADED = {
    content: "The messages are loaded",
    trigger: "#chatterRoot:shadow .o-mail-Thread",
};

/** What the back-office user reads, by his language. */
function expected() {
    const chinese = (user.lang || "").startsWith("zh");
    return chinese
        ? { chargeable: "收费", expired: "已过保修期" }
        : { chargeable: "Chargeable", expired: "Warranty Expired" };
}

/** A step checking that ``selector`` reads the expected text ``key``. */
function reads(content, selector, key) {
    return {
        content,
        trigger: selector,
        run() {
            const text = document.querySelector(selector).textContent;
            const wanted = expected()[key];
            if (!text.includes(wanted)) {
                throw new Error(`${selector} reads "${text}", not "${wanted}"`);
            }
        },
    };
}

// a. The buyer reports the fault on the portal, with the serial number on the
// heater's label.
tours.add("aftersales_repair_buyer_reports", {
    url: "/my/aftersales/tickets/new",
    steps: () => [
        {
            content: "Say what the problem is",
            trigger: "form[action='/my/aftersales/tickets/new'] input[name=name]",
            run: `edit ${SUBJECT}`,
        },
        {
            content: "The serial number on the label",
            trigger: "form[action='/my/aftersales/tickets/new'] input[name=serial_number]",
            run: `edit ${SERIAL}`,
        },
        {
            trigger: "form[action='/my/aftersales/tickets/new'] textarea[name=description]",
            run: "edit 打开热水龙头只出冷水 / Only cold water comes out.",
        },
        {
            content: "Submit",
            trigger: "form[action='/my/aftersales/tickets/new'] button[type=submit]",
            run: "click",
        },
        {
            content: "The ticket's page: its subject and serial number",
            trigger: `.card-header h4:contains(${SUBJECT})`,
        },
        {
            trigger: `.card-body span:contains(${SERIAL})`,
        },
        CHATTER_LOADED,
    ],
});

// b. The technician opens the ticket, finds it chargeable (warranty expired), makes
// the repair order and sends its quotation with two hours of labour.
tours.add("aftersales_repair_technician_quotes", {
    steps: () => [
        {
            content: "No contract: the product's standard promise",
            trigger: `.o_form_view div[name=standard_promise]:contains(${PRODUCT})`,
        },
        {
            content: "The coverage tab",
            trigger: ".o_notebook .nav-link[name=coverage]",
            run: "click",
        },
        reads(
            "Chargeable",
            ".o_notebook .o_field_widget[name=coverage]",
            "chargeable"
        ),
        reads(
            "Because the warranty expired",
            ".o_notebook .o_field_widget[name=coverage_reason]",
            "expired"
        ),
        {
            content: "Not quoted before a repair order exists",
            trigger: ".o_notebook:not(:has(button[name=action_open_quotation_send]))",
        },
        {
            content: "Make the repair order",
            trigger: ".o_notebook button[name=action_create_repair_order]",
            run: "click",
        },
        {
            content: "Send its quotation",
            trigger: ".o_notebook button[name=action_open_quotation_send]",
            run: "click",
        },
        {
            content: "The quotation is for the buyer",
            trigger: `.modal .o_field_widget[name=partner_id]:contains(${BUYER})`,
        },
        {
            content: "Two hours of labour",
            trigger: ".modal .o_field_widget[name=labour_hours] input",
            run: "edit 02:00",
        },
        {
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "Sent: the buyer is told where to sign",
            trigger: `.o_notification:contains(${BUYER})`,
        },
        {
            content: "Quoted once",
            trigger:
                "body:not(:has(.modal)) .o_notebook:not(:has(button[name=action_open_quotation_send]))",
        },
    ],
});

// c. The buyer opens the quotation on his portal, types his name to sign and
// accepts it.
tours.add("aftersales_repair_buyer_signs", {
    steps: () => [
        {
            content: "The quotation of his repair: the visit and two hours of labour",
            trigger: `#quote_content tr:contains(${VISIT})`,
        },
        {
            trigger: `#quote_content tr:contains(${LABOUR}):contains(2.00)`,
        },
        {
            content: "Sign it",
            trigger: "a[data-bs-target='#modalaccept']",
            run: "click",
        },
        {
            content: "He types his name",
            trigger: ".modal .o_web_sign_name_input",
            run: `edit ${BUYER}`,
        },
        {
            content: "Accept and sign",
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
        },
        {
            content: "Signed: nothing left to sign",
            trigger: "#quote_content:not(:has(a[data-bs-target='#modalaccept']))",
            run() {
                if (!window.location.search.includes("message=sign_ok")) {
                    throw new Error(`Not signed: ${window.location.href}`);
                }
            },
        },
        CHATTER_LOADED,
    ],
});

// d. The technician, back from the repair, resolves the ticket.
tours.add("aftersales_repair_technician_resolves", {
    steps: () => [
        {
            content: "Resolve the ticket",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_resolve]",
            run: "click",
        },
        {
            content: "Resolved",
            trigger: ".o_form_view .o_statusbar_buttons:not(:has(button[name=action_resolve]))",
        },
    ],
});

// e. The accountant invoices the ticket's signed quotation, posts the invoice and
// registers the customer's WeChat Pay payment.
tours.add("aftersales_repair_accountant_invoices", {
    steps: () => [
        {
            content: "The charges tab",
            trigger: ".o_notebook .nav-link[name=charges]",
            run: "click",
        },
        {
            content: "The signed quotation: invoice it",
            trigger: ".o_notebook button[name=action_create_invoice]",
            run: "click",
        },
        {
            content: "The draft invoice charges the visit and the labour",
            trigger: `.o_form_view .o_field_widget[name=invoice_line_ids] td:contains(${LABOUR})`,
        },
        {
            content: "Post it",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_post]",
            run: "click",
        },
        {
            content: "Register the payment",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_register_payment]",
            run: "click",
        },
        {
            content: "Paid with WeChat Pay (journal code WXP)",
            trigger: ".modal .o_field_widget[name=journal_id] input",
            run: "edit WXP",
        },
        {
            trigger:
                ".o-autocomplete--dropdown-item:contains(WeChat Pay), .o-autocomplete--dropdown-item:contains(微信支付)",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_create_payments]:visible",
            run: "click",
        },
        {
            content: "Paid: the invoice says so",
            trigger: "body:not(:has(.modal)) .o_form_view .o_widget_web_ribbon",
        },
    ],
});
