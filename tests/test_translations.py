"""Every translatable term of both addons has a Chinese translation, in both scripts.

Terms are read the way Odoo exports them (views, menus, fields, selections, reports,
Python and JavaScript code), so a new label, menu or message without a zh_CN or zh_TW
translation fails here; so does a .pot file that no longer matches the code.
"""

import re

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import PoFileReader, TranslationModuleReader

ADDONS = (
    "aftersales_sla",
    "aftersales_survey",
    "aftersales_repair",
    "aftersales_field",
    "aftersales_complaint",
)
LANGS = ("zh_CN", "zh_TW")
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sd]")


def po_terms(path):
    with open(path, "rb") as handle:
        return {(row["src"]): row["value"] for row in PoFileReader(handle)}


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def exported_terms(self, module):
        """(all terms, terms of the addon itself): demo records (xml ids starting
        with ``demo_``) may bring terms of their own, which need no translation."""
        reader = TranslationModuleReader(self.env.cr, modules=[module])
        every, own = set(), set()
        for _module, _type, _name, res_id, source, _value, _comments in reader:
            every.add(source)
            xml_name = str(res_id or "").split(".", 1)[-1]
            if not xml_name.startswith("demo_"):
                own.add(source)
        return every, own

    def test_every_term_is_translated_in_both_scripts(self):
        for module in ADDONS:
            every, terms = self.exported_terms(module)
            self.assertTrue(terms, module)
            pot = set(po_terms(file_path(f"{module}/i18n/{module}.pot")))
            self.assertEqual(
                (terms - pot, pot - every),
                (set(), set()),
                f"{module}.pot is stale (missing, obsolete): regenerate it (README)",
            )
            for lang in LANGS:
                translations = po_terms(file_path(f"{module}/i18n/{lang}.po"))
                missing = sorted(term for term in terms if not translations.get(term))
                self.assertEqual(missing, [], f"{module} {lang}: untranslated terms")
                for term in terms:
                    self.assertEqual(
                        sorted(PLACEHOLDER.findall(term)),
                        sorted(PLACEHOLDER.findall(translations[term])),
                        f"{module} {lang}: placeholders differ in {term!r}",
                    )

    def test_traditional_is_not_simplified(self):
        # zh_TW must not be a copy of zh_CN: the longer sentences always differ.
        for module in ADDONS:
            simplified = po_terms(file_path(f"{module}/i18n/zh_CN.po"))
            traditional = po_terms(file_path(f"{module}/i18n/zh_TW.po"))
            long_terms = [
                term
                for term in simplified
                if len(re.sub(r"<[^>]+>|%(?:\([a-z_]+\))?[sdr]|\s", "", term)) > 40
            ]
            # A report's file-name expression (print_report_name) is code: it stays
            # as written in both.
            same = [
                term
                for term in long_terms
                if simplified[term] == traditional.get(term) != term
            ]
            self.assertEqual(same, [], module)
