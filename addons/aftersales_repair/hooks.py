from .tools.payment_journals import ensure_payment_journals


def post_init_hook(env):
    """Tickets reported before the addon was installed get their unit and
    coverage decided (and recorded) like new ones. The companies get their
    payment journals (cash, bank transfer, WeChat Pay, Alipay)."""
    tickets = env["aftersales.ticket"].search([("coverage", "=", False)])
    tickets.filtered(lambda ticket: not ticket.unit_id)._rematch_unit()
    tickets._decide_coverage(closed=True)
    ensure_payment_journals(env)
