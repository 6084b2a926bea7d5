"""Who may verify the service ledger: After-Sales managers and auditors.

Verification reads every event of a company's chains, whoever's subject they are:
technicians see their tickets' timelines, not the ledger.
"""

from odoo import api, models
from odoo.exceptions import AccessError

#: Groups that verify the ledger and print its integrity report (managers imply
#: auditors).
VERIFY_GROUP = "aftersales_sla.group_aftersales_auditor"


# The model is split along its seams on purpose (see the module docstring).
class AftersalesEvent(models.Model):
    _inherit = "aftersales.event"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _check_verify_rights(self):
        if not self.env.su and not self.env.user.has_group(VERIFY_GROUP):
            raise AccessError(
                self.env._(
                    "Only After-Sales managers and auditors verify the service ledger."
                )
            )

    @api.model
    @api.readonly
    def verify_ledger(self, chain=None, page_size=20000, checkpoints=None):
        self._check_verify_rights()
        return super().verify_ledger(
            chain=chain, page_size=page_size, checkpoints=checkpoints
        )
