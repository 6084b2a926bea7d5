"""The ledger's command-line verification, run as an administrator would run it."""

import json
import os
import subprocess
import uuid
from contextlib import closing
from pathlib import Path

import odoo
from odoo import SUPERUSER_ID, api
from odoo.sql_db import db_connect

from odoo.addons.aftersales_sla.tests.common import owner_cursor

PROJECT = Path(__file__).resolve().parent.parent


def run_cli(*args, stdin=None):
    env = dict(
        os.environ,
        ODOO_RC=odoo.tools.config.rcfile,
        DB_NAME=odoo.tools.config["db_name"],
    )
    completed = subprocess.run(
        ["bash", str(PROJECT / "scripts" / "ledger.sh"), *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=env,
        timeout=300,
        check=False,
    )
    return completed.returncode, json.loads(completed.stdout), completed.stderr


def committed(callback):
    with closing(db_connect(odoo.tools.config["db_name"]).cursor()) as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        result = callback(env)
        env.flush_all()
        cr.commit()  # pylint: disable=invalid-commit
        return result


def test_cli_verifies_names_a_tampered_event_and_seals():
    def make_chain(env):
        company = env["res.company"].create({"name": f"CLI {uuid.uuid4().hex[:8]}"})
        events = env["aftersales.event"]._append_events(
            [
                {"event_type": "ledger.note", "company": company, "payload": {"n": n}}
                for n in range(4)
            ]
        )
        env.cr.postcommit.clear()  # leave them for the CLI's --seal
        return events.chain_id.id, events.ids

    chain_id, event_ids = committed(make_chain)

    status, result, _err = run_cli("--chain", str(chain_id))
    assert status == 0, result
    assert (result["checked"], result["unsealed"], result["broken"]) == (0, 4, False)

    status, result, _err = run_cli("--seal", "--chain", str(chain_id))
    assert status == 0
    assert (result["checked"], result["unsealed"]) == (4, 0)

    def tamper(reasons):
        # As the ledger's owner: the role Odoo runs as may not (tested in the
        # addon's test_ledger_tampering).
        with owner_cursor() as cr:
            cr.execute("ALTER TABLE aftersales_event DISABLE TRIGGER USER")
            for event_id, reason in reasons:
                cr.execute(
                    "UPDATE aftersales_event SET reason = %s WHERE id = %s",
                    [reason, event_id],
                )
            cr.execute("ALTER TABLE aftersales_event ENABLE TRIGGER USER")

    token = committed(
        lambda env: env["aftersales.event.chain"].browse(chain_id)._print_checkpoint()
    )["token"]
    tamper([(event_ids[1], "forged"), (event_ids[2], "forged")])
    try:
        status, result, _err = run_cli("--chain", str(chain_id))
        assert status == 2
        assert result["ok"] is False
        assert result["broken"]["id"] == event_ids[1]
        assert [(b["id"], b["sequence"], b["reason"]) for b in result["breaks"]] == [
            (event_ids[1], 2, "hash_mismatch"),
            (event_ids[2], 3, "hash_mismatch"),
        ]
        status, result, _err = run_cli(
            "--chain", str(chain_id), "--checkpoints", "-", stdin=token
        )
        assert status == 2
        assert [c["source"] for c in result["checkpoints"]].count("given") == 1
    finally:
        tamper([(event_ids[1], None), (event_ids[2], None)])
    status, result, _err = run_cli()
    assert status == 0, result
