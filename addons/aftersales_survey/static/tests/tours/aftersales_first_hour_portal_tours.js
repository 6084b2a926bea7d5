/** @odoo-module **/
// The portal customer's first hour on the demo data (issue #12): 李明 (login
// anju.li) opens her tickets, sees the photo of one, finds no service report on
// a brand-new ticket, disputes a penalty in its dialog and answers the survey
// waiting for her, which ends on a thank-you page without score, pass/fail or
// retake. One walk, registered once per language with what she reads in it; run
// by tests/test_tours_first_hour_portal.py, which adds the photo and checks the
// database afterwards.

import { registry } from "@web/core/registry";
import { redirect } from "@web/core/utils/urls";

const READS = {
    en: {
        download: "Download service report",
        disputeLabel: "Why do you dispute it?",
        disputed: "Your dispute was recorded",
        thanks: "Thank you!",
    },
    zh: {
        download: "下载服务报告",
        disputeLabel: "您为何提出异议？",
        disputed: "您的异议已记录",
        thanks: "谢谢！",
    },
};

function steps(reads) {
    return [
        {
            content: "Her tickets: the low-battery lock",
            trigger: "tr:contains(门锁低电量报警频繁) a",
            run: "click",
        },
        {
            content: "The photo, as a thumbnail linking to the image, with its token",
            trigger:
                ".o_aftersales_photos a.o_aftersales_photo[href*='access_token='] img[src*='/160x160?access_token=']",
        },
        {
            content: "An open ticket: no service report yet",
            trigger: "body:not(:has(.o_aftersales_report_download))",
            run: () => redirect("/my/aftersales/tickets"),
        },
        {
            content: "The brand-new ticket",
            trigger: "tr:contains(指纹识别失败，住户无法开门) a",
            run: "click",
        },
        {
            trigger: "h4:contains(指纹识别失败，住户无法开门)",
        },
        {
            content: "Nothing to report on it",
            trigger: "body:not(:has(.o_aftersales_report_download))",
            run: () => redirect("/my/aftersales/tickets"),
        },
        {
            content: "The resolved ticket has its service report",
            trigger: "tr:contains(更换门锁面板后待验收) a",
            run: "click",
        },
        {
            trigger: `.o_aftersales_report_download:contains(${reads.download})`,
            run: () => redirect("/my/aftersales/penalties"),
        },
        {
            content: "Dispute a penalty: a dialog opens",
            trigger: "table .o_aftersales_dispute_button",
            run: "click",
        },
        {
            trigger: `.modal.show .o_aftersales_dispute_form label:contains(${reads.disputeLabel})`,
        },
        {
            trigger: ".modal.show .o_aftersales_dispute_form textarea[name=reason]",
            run: "edit 当天小区停电，非服务方原因 / Power cut in the estate that day",
        },
        {
            trigger: ".modal.show .o_aftersales_dispute_submit",
            run: "click",
        },
        {
            content: "The dispute is recorded",
            trigger: `.alert-success:contains(${reads.disputed})`,
            run: () => redirect("/my/surveys"),
        },
        {
            content: "The survey waiting for her",
            trigger: "a[href*='/survey/start/']",
            run: "click",
        },
        {
            trigger: ".o_survey_start button[value=start]:not(.disabled)",
            run: "click",
        },
        {
            content: "She answers every question with its first choice",
            trigger: ".js_question-wrapper .o_survey_choice_btn",
            run() {
                for (const question of document.querySelectorAll(".js_question-wrapper")) {
                    question.querySelector(".o_survey_choice_btn")?.click();
                }
            },
        },
        {
            trigger: "button[value=finish]:not(.disabled)",
            run: "click",
        },
        {
            content: "A thank-you page: no score, no pass or fail, no retake",
            trigger: `.o_survey_finished h1:contains(${reads.thanks})`,
        },
        {
            trigger: ".o_survey_finished:not(:contains(%)):not(:has(a[href*='/survey/retry/']))",
        },
        {
            trigger: "body:not(:has(.o_survey_review))",
        },
    ];
}

for (const [lang, reads] of Object.entries(READS)) {
    registry.category("web_tour.tours").add(`aftersales_first_hour_portal_${lang}`, {
        url: "/my/aftersales/tickets",
        steps: () => steps(reads),
    });
}
