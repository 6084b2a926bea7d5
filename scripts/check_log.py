"""Fail when an Odoo server log holds WARNING/ERROR/CRITICAL lines nobody allowed.

Usage: check_log.py LOGFILE ALLOWLIST

ALLOWLIST holds one regular expression a line (searched in the log record's first
line); blank lines and lines starting with # (the explanation of each entry) are
ignored.
"""

import re
import sys

RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) ")


def main(log_path, allowlist_path):
    with open(allowlist_path, encoding="utf-8") as handle:
        allowed = [
            re.compile(line.strip())
            for line in handle
            if line.strip() and not line.lstrip().startswith("#")
        ]
    bad = []
    with open(log_path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            match = RECORD.match(line)
            if not match or match["level"] not in ("WARNING", "ERROR", "CRITICAL"):
                continue
            if not any(pattern.search(line) for pattern in allowed):
                bad.append(line.rstrip())
    if bad:
        print(f"{len(bad)} unexplained WARNING/ERROR line(s) in {log_path}:")
        for line in bad:
            print("  " + line)
        return 1
    print(f"server log clean ({log_path})")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
