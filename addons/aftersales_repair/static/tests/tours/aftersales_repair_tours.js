/** @odoo-module **/
// Issue #13's chargeable repair, role by role: a water-heater buyer without a
// contract reports a fault on the portal; the technician finds the unit out of
// warranty and quotes; the buyer signs the quotation; the technician records the
// part he used and resolves; the accountant invoices and registers the payment
// (WeChat Pay); the same fault again within the repair's guarantee is free.
// Run in English and in Chinese by tests/test_tours_repair.py, which makes the data
// and checks the database between the tours. The triggers use names and data, not
// labels; what the user reads is checked against his language.

import { registry } from "@web/core/registry";
import { user } from "@web/core/user";

const tours = registry.category("web_tour.tours");

/** Test data shared with tests/test_tours_repair.py. */
const SUBJECT = "Tour 热水器不出热水";
const SUBJECT_AGAIN = "Tour 热水器又不出热水";
const SERIAL = "TOUR-WH-0001";
const PRODUCT = "Tour 燃气热水器 JSQ20";
const BUYER = "Tour 张伟";
const VAN = "Tour 张师傅的车";
/** The standard visit fee, labour and a part (test_repair_orders.make_fee_products). */
const VISIT = "上门费 Visit";
const LABOUR = "工时 Labour";
const PART = "点火针 Igniter";

/** The portal page's chatter loaded: the tour ends with no asset still loading. */
const CHATTER_LOADED = {
    content: "The messages are loaded",
    trigger: "#chatterRoot:shadow .o-mail-Thread",
};

/**
 * What the back-office user reads, by his language. ``null``: a label new in
 * #13 and not translated yet, checked in English only.
 */
function expected() {
    const chinese = (user.lang || "").startsWith("zh");
    return chinese
        ? { chargeable: "收费", expired: "已过保修期", guarantee: null }
        : {
              chargeable: "Chargeable",
              expired: "Warranty Expired",
              guarantee: "Re-repair Guarantee",
          };
}

/** A step checking that ``selector`` reads the expected text ``key``. */
function reads(content, selector, key) {
    return {
        content,
        trigger: selector,
        run() {
            const text = document.querySelector(selector).textContent;
            const wanted = expected()[key];
            if (wanted !== null && !text.includes(wanted)) {
                throw new Error(`${selector} reads "${text}", not "${wanted}"`);
            }
        },
    };
}

/** The buyer reports ``subject`` on the portal for the heater ``SERIAL``. */
function reportSteps(subject) {
    const form = "form[action='/my/aftersales/tickets/new']";
    return [
        {
            content: "Say what the problem is",
            trigger: `${form} input[name=name]`,
            run: `edit ${subject}`,
        },
        {
            content: "The serial number on the label",
            trigger: `${form} input[name=serial_number]`,
            run: `edit ${SERIAL}`,
        },
        {
            trigger: `${form} textarea[name=description]`,
            run: "edit 打开热水龙头只出冷水 / Only cold water comes out.",
        },
        {
            content: "Submit",
            trigger: `${form} button[type=submit]`,
            run: "click",
        },
        {
            content: "The ticket's page: its subject and serial number",
            trigger: `.card-header h4:contains(${subject})`,
        },
        {
            trigger: `.card-body span:contains(${SERIAL})`,
        },
        CHATTER_LOADED,
    ];
}

// a. The buyer reports the fault on the portal, with the serial number on the
// heater's label.
tours.add("aftersales_repair_buyer_reports", {
    url: "/my/aftersales/tickets/new",
    steps: () => reportSteps(SUBJECT),
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

// c. The buyer finds the quotation on his ticket's page, types his name to sign
// and accepts it.
tours.add("aftersales_repair_buyer_signs", {
    steps: () => [
        {
            content: "His ticket's quotation, to sign",
            trigger: ".o_aftersales_ticket_quotations tr[data-status=to_sign] a.o_aftersales_quotation_link",
            run: "click",
        },
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

// d. The technician records the igniter he took from his van, then resolves the
// ticket.
tours.add("aftersales_repair_technician_resolves", {
    steps: () => [
        {
            content: "The coverage tab holds the repair's buttons",
            trigger: ".o_notebook .nav-link[name=coverage]",
            run: "click",
        },
        {
            content: "Record Parts",
            trigger: ".o_notebook button[name=action_open_record_parts]",
            run: "click",
        },
        {
            content: "His van is proposed",
            trigger: `.modal .o_field_widget[name=location_id] input:value(${VAN})`,
        },
        {
            trigger: ".modal .o_field_widget[name=product_id] input",
            run: `edit ${PART}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item:contains(${PART})`,
            run: "click",
        },
        {
            content: "An approved part: no reason asked",
            trigger: `.modal:has(.o_field_widget[name=product_id] input:value(${PART})):not(:has(.alert-warning:visible))`,
        },
        {
            content: "Record",
            trigger: ".modal button[name=action_record]",
            run: "click",
        },
        {
            content: "Recorded",
            trigger: "body:not(:has(.modal)) .o_form_view",
        },
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
            content: "The draft invoice charges the labour and the part",
            trigger: `.o_form_view .o_field_widget[name=invoice_line_ids] td:contains(${LABOUR})`,
        },
        {
            trigger: `.o_form_view .o_field_widget[name=invoice_line_ids] td:contains(${PART})`,
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
            content: "Paid: nothing left to pay",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_statusbar_buttons:not(:has(button[name=action_register_payment]))",
        },
    ],
});

// f. The same fault again, within the repaired heater's guarantee: the buyer
// reports it ...
tours.add("aftersales_repair_buyer_reports_again", {
    url: "/my/aftersales/tickets/new",
    steps: () => reportSteps(SUBJECT_AGAIN),
});

// ... and the technician finds it free: its repair order gets no quotation.
tours.add("aftersales_repair_technician_free", {
    steps: () => [
        {
            content: "The coverage tab",
            trigger: ".o_notebook .nav-link[name=coverage]",
            run: "click",
        },
        reads(
            "Under the repair's guarantee",
            ".o_notebook .o_field_widget[name=coverage]",
            "guarantee"
        ),
        {
            content: "Make the repair order",
            trigger: ".o_notebook button[name=action_create_repair_order]",
            run: "click",
        },
        {
            content: "Made: what the work is worth shows ...",
            trigger: ".o_notebook .o_field_widget[name=repair_value]",
        },
        {
            content: "... and no quotation is offered",
            trigger: ".o_notebook:not(:has(button[name=action_open_quotation_send]))",
        },
    ],
});
