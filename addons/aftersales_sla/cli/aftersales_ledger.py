"""``odoo-bin aftersales_ledger``: verify or seal the service ledger from the shell.

Usage (the addons path must come first so that Odoo finds this command)::

    odoo-bin --addons-path=<paths> aftersales_ledger -c odoo.conf -d DB \\
        [--seal] [--chain ID] [--checkpoints FILE]

Prints the verification result as JSON (every break with its cause, every checkpoint
checked) and exits 0 when the ledger is intact, 2 when it is broken, 1 on a usage
error. ``--checkpoints`` names a text file of checkpoint tokens kept from printed
documents (``-`` reads them from standard input). ``scripts/ledger.sh`` wraps it.
"""

import json
import logging
import optparse
import sys
from pathlib import Path

import odoo
from odoo.cli import Command

_logger = logging.getLogger(__name__)


class AftersalesLedger(Command):
    """Verify (and optionally seal) the after-sales service ledger"""

    name = "aftersales_ledger"

    def run(self, args):
        parser = odoo.tools.config.parser
        parser.prog = f"{Path(sys.argv[0]).name} {self.name}"
        group = optparse.OptionGroup(parser, "After-sales ledger")
        group.add_option(
            "--seal",
            action="store_true",
            dest="aftersales_seal",
            help="seal events that are not sealed yet before verifying",
        )
        group.add_option(
            "--chain",
            dest="aftersales_chain",
            type="int",
            help="verify only this chain (id)",
        )
        group.add_option(
            "--checkpoints",
            dest="aftersales_checkpoints",
            help="a text file of checkpoints (ASL1.…) to check, or - for stdin",
        )
        parser.add_option_group(group)
        opt = odoo.tools.config.parse_config(args, setup_logging=True)
        dbname = odoo.tools.config["db_name"]
        if not dbname:
            sys.stderr.write("aftersales_ledger needs a database: use -d\n")
            sys.exit(1)
        checkpoints = None
        if opt.aftersales_checkpoints == "-":
            checkpoints = sys.stdin.read()
        elif opt.aftersales_checkpoints:
            try:
                checkpoints = Path(opt.aftersales_checkpoints).read_text("utf-8")
            except OSError as error:
                sys.stderr.write(f"aftersales_ledger: {error}\n")
                sys.exit(1)
        registry = odoo.modules.registry.Registry(dbname)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            Event = env["aftersales.event"]
            if opt.aftersales_seal:
                sealed = Event._seal_chains(commit=True)
                _logger.info("sealed %d events", sealed)
            result = Event.verify_ledger(opt.aftersales_chain, checkpoints=checkpoints)
        sys.stdout.write(json.dumps(result, indent=2, default=str) + "\n")
        sys.exit(0 if result["ok"] else 2)
