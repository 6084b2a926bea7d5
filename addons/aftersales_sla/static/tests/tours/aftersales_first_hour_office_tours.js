/** @odoo-module **/
// "First hour" tours of issue #12 on the DEMO data, for the service manager and the
// accountant; each runs in English and in Chinese (tests/test_tours_first_hour_office.py
// sets the user's language, read here from the session). Triggers use names and data attributes; the text a user
// reads is checked in the user's language, from strings already translated (or data).

import { registry } from "@web/core/registry";
import { formatDate } from "@web/core/l10n/dates";
import { user } from "@web/core/user";

const { DateTime } = luxon;
const tours = registry.category("web_tour.tours");

/** Whether the user reads Chinese (the test sets the user's language). */
function inChinese() {
    return (user.lang || "").startsWith("zh");
}

/** The text the user reads: English or Simplified Chinese. */
function t(english, chinese) {
    return inChinese() ? chinese : english;
}

/** The refusal of an end before the start (an existing, translated message). */
function periodError() {
    return t(
        "A statement period cannot end before it starts.",
        "对账单期间的结束日期不能早于开始日期。"
    );
}

/** Fail the tour with a message (from a step's run function). */
function check(condition, message) {
    if (!condition) {
        throw new Error(message);
    }
}

// The service manager (the demo administrator) on the demo contract of 深圳市安居物业:
// its tickets, a bulk confirmation of its penalties, the SLA statement wizard, and an
// empty configuration list that says what it is for.
tours.add("aftersales_first_hour_manager", {
    steps: () => {
        let ticketCount = null;
        // The statement's default period: the previous complete calendar month, in
        // the user's time zone (the server's context_today), which near midnight is
        // not the browser's day (CI's browser runs in UTC, the demo users in Shanghai).
        const firstOfMonth = DateTime.now()
            .setZone(user.tz || "local")
            .startOf("month");
        const defaultFrom = formatDate(firstOfMonth.minus({ months: 1 }));
        const defaultTo = formatDate(firstOfMonth.minus({ days: 1 }));
        const beforeStart = formatDate(firstOfMonth.minus({ months: 2 }));
        return [
            {
                content: "The contract shows its tickets, with their number",
                trigger: ".o_form_view button[name=action_view_tickets]",
                run() {
                    const value = this.anchor.querySelector(".o_stat_value").textContent;
                    ticketCount = parseInt(value, 10);
                    check(ticketCount > 0, `no ticket counted: ${value}`);
                    // A new label, not translated yet: read in English only.
                    if (!inChinese()) {
                        check(this.anchor.textContent.includes("Tickets"), this.anchor.textContent);
                    }
                },
            },
            {
                content: "The penalty buttons say what they open",
                trigger: `.o_form_view button[name=action_view_penalties]:contains(${t("Penalties", "违约金")})`,
            },
            {
                trigger: ".o_form_view button[name=action_view_tickets]",
                run: "click",
            },
            {
                content: "The contract's tickets, as a list",
                trigger: ".o_cp_switch_buttons .o_list, .o_switch_view.o_list",
                run: "click",
            },
            {
                content: "As many tickets as the button counted",
                trigger: ".o_list_view .o_pager_limit",
                run() {
                    const listed = parseInt(this.anchor.textContent, 10);
                    check(listed === ticketCount, `${listed} tickets listed, ${ticketCount} counted`);
                },
            },
            {
                content: "Back to the contract",
                trigger: ".o_breadcrumb .breadcrumb-item:not(.active):last a",
                run: "click",
            },
            {
                content: "Open its penalties",
                trigger: ".o_form_view button[name=action_view_penalties]",
                run: "click",
            },
            {
                trigger: `.o_list_view .o_data_row .o_field_badge:contains(${t("Assessed", "已核定")})`,
            },
            {
                content: "Select every penalty of the contract (all assessed)",
                trigger: ".o_list_view thead .o_list_record_selector input",
                run: "click",
            },
            {
                trigger: ".o_cp_action_menus .dropdown-toggle, .o_cp_action_menus button:has(.fa-cog)",
                run: "click",
            },
            {
                content: "Confirm them in bulk",
                trigger: ".o-dropdown-item:contains(Confirm), .o-dropdown-item:contains(确认)",
                run: "click",
            },
            {
                content: "Every penalty confirmed, none left assessed",
                trigger: `.o_list_view:not(:has(.o_field_badge:contains(${t("Assessed", "已核定")}))) .o_data_row .o_field_badge:contains(${t("Confirmed", "已确认")})`,
            },
            {
                content: "Back to the contract",
                trigger: ".o_breadcrumb .breadcrumb-item:not(.active):last a",
                run: "click",
            },
            {
                trigger: ".o_form_view .o_cp_action_menus button:has(.fa-cog)",
                run: "click",
            },
            {
                content: "The SLA statement wizard (action menu)",
                trigger: `.o-dropdown-item:contains(${t("SLA Statement", "SLA 对账单")})`,
                run: "click",
            },
            {
                content: "It opens on the previous month",
                trigger: `.modal .o_field_widget[name=date_from] input:value(${defaultFrom})`,
            },
            {
                trigger: `.modal .o_field_widget[name=date_to] input:value(${defaultTo})`,
            },
            {
                content: "An end before the start ...",
                trigger: ".modal .o_field_widget[name=date_to] input",
                run: `edit ${beforeStart} && press Enter`,
            },
            {
                content: "... is said at once",
                trigger: `.modal-content:contains(${periodError()}) .btn-primary`,
                run: "click",
            },
            {
                content: "Back to the end of the month",
                trigger: ".modal .o_field_widget[name=date_to] input",
                run: `edit ${defaultTo} && press Enter`,
            },
            {
                trigger: `.modal .o_field_widget[name=date_to] input:value(${defaultTo})`,
            },
            {
                content: "Print the statement",
                trigger: ".modal button[name=action_print]",
                run: "click",
            },
            {
                content: "Printed: the wizard closes",
                trigger: "body:not(:has(.modal))",
            },
            {
                content: "The SLA policies, none left (the test archived them)",
                trigger: ".o_main_navbar button[data-menu-xmlid='aftersales_sla.aftersales_config_menu']",
                run: "click",
            },
            {
                trigger: ".dropdown-item[data-menu-xmlid='aftersales_sla.aftersales_sla_policy_menu']",
                run: "click",
            },
            {
                content: "The empty list says what a policy is for",
                trigger: ".o_view_nocontent .o_view_nocontent_smiling_face",
            },
            {
                // New text, not translated yet: read in English only.
                trigger: ".o_view_nocontent",
                run() {
                    if (!inChinese()) {
                        check(
                            this.anchor.textContent.includes("SLA clocks count against"),
                            this.anchor.textContent
                        );
                    }
                },
            },
        ];
    },
});

// The accountant (demo user 王芳) settles a confirmed penalty: she reads its ticket
// and promise in words, opens the ticket, and posts the credit note.
tours.add("aftersales_first_hour_accountant", {
    steps: () => [
        {
            content: "Open the confirmed penalty",
            trigger: `.o_list_view .o_data_row:has(.o_field_badge:contains(${t("Confirmed", "已确认")})) td[name=name]`,
            run: "click",
        },
        {
            content: "Its promise in words",
            trigger: `.o_form_view .o_field_widget[name=metric]:contains(${t("Response", "响应")})`,
        },
        {
            content: "Its ticket by number and summary, as a link",
            trigger: ".o_form_view .o_field_widget[name=ticket_id] a:not(:contains(aftersales.ticket))",
            run() {
                check(/^T\d+ \S/.test(this.anchor.textContent.trim()), this.anchor.textContent);
            },
        },
        {
            trigger: ".o_form_view .o_field_widget[name=ticket_id] a",
            run: "click",
        },
        {
            content: "The ticket opens (no access error)",
            trigger: ".o_form_view .o_field_widget[name=number]",
        },
        {
            content: "Back to the penalty",
            trigger: ".o_breadcrumb .breadcrumb-item:not(.active):last a",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=metric]",
        },
        {
            trigger: ".o_form_view .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Invoice it",
            trigger: `.o-dropdown-item:contains(${t("Invoice Penalties", "违约金开票")})`,
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
            trigger: `.o_form_view .o_statusbar_status button.o_arrow_button_current:contains(${t("Posted", "已过账")})`,
        },
    ],
});
