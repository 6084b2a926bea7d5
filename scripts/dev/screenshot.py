"""Screenshot Odoo pages as a logged-in user, with headless Chromium (for docs and
manual checks; not part of the tests).

Usage: screenshot.py BASE_URL LOGIN PASSWORD OUT.png PATH [lang]
"""

import base64
import json
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket


def session_cookie(base, login, password, db):
    request = urllib.request.Request(
        f"{base}/web/session/authenticate",
        data=json.dumps(
            {
                "jsonrpc": "2.0",
                "params": {"db": db, "login": login, "password": password},
            }
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session_id="):
                return value.split(";", 1)[0].split("=", 1)[1]
    raise SystemExit("login failed")


def main(base, login, password, out, path, db="aftersales"):
    sid = session_cookie(base, login, password, db)
    profile = tempfile.mkdtemp()
    chrome = subprocess.Popen(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--remote-debugging-port=9333",
            "--window-size=1400,900",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                with urllib.request.urlopen(
                    "http://127.0.0.1:9333/json", timeout=2
                ) as r:
                    targets = json.load(r)
                break
            except OSError:
                time.sleep(0.2)
        page = next(t for t in targets if t["type"] == "page")
        ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        counter = iter(range(1, 10_000))

        def call(method, **params):
            ident = next(counter)
            ws.send(json.dumps({"id": ident, "method": method, "params": params}))
            while True:
                message = json.loads(ws.recv())
                if message.get("id") == ident:
                    return message.get("result", {})

        call("Network.enable")
        call("Network.setCookie", name="session_id", value=sid, url=base)
        call("Page.navigate", url=base + path)
        time.sleep(float(__import__("os").environ.get("SHOT_WAIT", "15")))
        shot = call("Page.captureScreenshot", format="png")
        with open(out, "wb") as handle:
            handle.write(base64.b64decode(shot["data"]))
    finally:
        chrome.terminate()


if __name__ == "__main__":
    main(*sys.argv[1:])
