/** @odoo-module **/
// Issue #14: the service partner's technician works a job on the portal: opens
// it from /my/partner-jobs, acknowledges, records his arrival with a photo,
// resolves with a note and uploads the signed service report; the job then shows
// resolved. tests/test_partner_portal_tour.py builds the data and checks the
// ledger. Triggers use names and data attributes: the tour runs in English and
// in Chinese.

import { registry } from "@web/core/registry";

// A 1x1 PNG.
const PNG_BASE64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

function attach(input, name, type, content) {
    const file = new File([content], name, { type });
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

function png() {
    return Uint8Array.from(atob(PNG_BASE64), (c) => c.charCodeAt(0));
}

registry.category("web_tour.tours").add("aftersales_partner_portal", {
    url: "/my/partner-jobs",
    steps: () => [
        {
            content: "Open the job assigned to his company",
            trigger: "tr.o_partner_job_row a.o_partner_job_link",
            run: "click",
        },
        {
            content: "The job is open",
            trigger: ".o_partner_job[data-state=open]",
        },
        {
            content: "Acknowledge it",
            trigger: "button[name=acknowledge]",
            run: "click",
        },
        {
            content: "Acknowledged: the button is gone; add a photo of the site",
            trigger: ".o_partner_job_done:not(:has(button[name=acknowledge])) ~ * input[name=photos], body:not(:has(button[name=acknowledge])) input[name=photos]",
            run() {
                attach(this.anchor, "site.png", "image/png", png());
            },
        },
        {
            content: "Record the arrival",
            trigger: "button[name=arrive]",
            run: "click",
        },
        {
            content: "Arrived: write the resolution",
            trigger: "body:not(:has(button[name=arrive])) textarea[name=note]",
            run: "edit 更换水流传感器，试机正常",
        },
        {
            content: "Resolve",
            trigger: "button[name=resolve]",
            run: "click",
        },
        {
            content: "Resolved: choose the signed service report",
            trigger: ".o_partner_job[data-state=resolved] ~ * input[name=report], body:has(.o_partner_job[data-state=resolved]) input[name=report]",
            run() {
                attach(this.anchor, "signed-report.png", "image/png", png());
            },
        },
        {
            content: "Upload it",
            trigger: "button[name=report]",
            run: "click",
        },
        {
            content: "The job shows resolved, the report recorded",
            trigger: ".o_partner_job_done[data-action=report] ~ .o_partner_job[data-state=resolved]",
        },
    ],
});
