from odoo import models

from ..tools.payment_journals import ensure_payment_journals


class AccountChartTemplate(models.AbstractModel):
    """A company given its chart of accounts after the addon is installed gets
    the payment journals of repairs too."""

    _inherit = "account.chart.template"

    def _load(self, template_code, company, install_demo):
        result = super()._load(template_code, company, install_demo)
        ensure_payment_journals(self.env, company or self.env.company)
        return result
