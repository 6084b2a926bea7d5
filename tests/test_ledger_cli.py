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

PROJECT = Path(__file__).resolve().parent.parent


def run_cli(*args):
    env = dict(
        os.environ,
        ODOO_RC=odoo.tools.config.rcfile,
        DB_NAME=odoo.tools.config["db_name"],
    )
    completed = subprocess.run(
        ["bash", str(PROJECT / "scripts" / "ledger.sh"), *args],
        capture_output=True,
        text=True,
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

    def tamper(env, reason):
        env.cr.execute("ALTER TABLE aftersales_event DISABLE TRIGGER USER")
        env.cr.execute(
            "UPDATE aftersales_event SET reason = %s WHERE id = %s",
            [reason, event_ids[2]],
        )
        env.cr.execute("ALTER TABLE aftersales_event ENABLE TRIGGER USER")

    committed(lambda env: tamper(env, "forged"))
    try:
        status, result, _err = run_cli("--chain", str(chain_id))
        assert status == 2
        assert result["ok"] is False
        assert result["broken"]["id"] == event_ids[2]
        assert result["broken"]["sequence"] == 3
        assert result["broken"]["reason"] == "hash_mismatch"
    finally:
        committed(lambda env: tamper(env, None))
    status, result, _err = run_cli()
    assert status == 0, result
