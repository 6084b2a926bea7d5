from .models.aftersales_event import drop_ledger_triggers


def post_init_hook(env):
    """Give every existing company its ledger chain."""
    env["aftersales.event.chain"]._ensure_for_companies(env["res.company"].search([]))


def uninstall_hook(env):
    """Remove the PostgreSQL triggers and functions that guard the ledger table."""
    drop_ledger_triggers(env.cr)
