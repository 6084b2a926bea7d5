"""The payment journals of after-sales repairs: cash, bank transfer, WeChat Pay
and Alipay, for each company with a chart of accounts.

Odoo's chart already makes a cash and a bank journal: they are reused (the bank
one is the bank transfer's), never duplicated. WeChat Pay and Alipay are journals
of type bank (an e-wallet holds money like an account), found by their code.
Running it again creates nothing twice. The names are translated (this addon's
.po files) in every installed language.
"""

#: code -> type of the journals made when missing.
WALLETS = {"WXP": "bank", "ALP": "bank"}
CASH_CODE = "CSH1"
BANK_CODE = "BNK1"


def journal_names(env):
    """The journals' names in ``env``'s language."""
    return {
        "WXP": env._("WeChat Pay"),
        "ALP": env._("Alipay"),
        CASH_CODE: env._("Cash"),
        BANK_CODE: env._("Bank Transfer"),
    }


def ensure_payment_journals(env, companies=None):
    """Create the missing payment journals of ``companies`` (all companies with
    a chart of accounts by default); return the journals created."""
    # sudo: installing the addon (or a chart) sets up the company's journals.
    Journal = env["account.journal"].sudo().with_context(lang="en_US")
    # sudo: every company with a chart of accounts, at install
    companies = (companies or env["res.company"].sudo().search([])).filtered(
        "chart_template"
    )
    langs = [code for code, _name in env["res.lang"].get_installed()]
    names = {lang: journal_names(Journal.with_context(lang=lang).env) for lang in langs}
    english = journal_names(Journal.env)
    created = Journal.browse()
    for company in companies:
        existing = Journal.search(
            [*Journal._check_company_domain(company), ("type", "in", ("bank", "cash"))]
        )
        wanted = {
            code: journal_type
            for code, journal_type in WALLETS.items()
            if code not in existing.mapped("code")
        }
        if not existing.filtered(lambda j: j.type == "cash"):
            wanted[CASH_CODE] = "cash"
        # The wallets' journals are not a bank transfer's.
        if not existing.filtered(lambda j: j.type == "bank" and j.code not in WALLETS):
            wanted[BANK_CODE] = "bank"
        for code, journal_type in wanted.items():
            journal = Journal.with_company(company).create(
                {
                    "name": english[code],
                    "code": code,
                    "type": journal_type,
                    "company_id": company.id,
                }
            )
            # Only the languages this addon's .po translates (else English shows).
            translations = {
                lang: names[lang][code]
                for lang in langs
                if lang != "en_US" and names[lang][code] != english[code]
            }
            if translations:
                journal.update_field_translations("name", translations)
            created |= journal
    return created
