"""Session set-up shared by every test run through pytest-odoo (scripts/test.sh)."""

import pytest


@pytest.fixture(scope="session", autouse=True)
def _http_statics_read_once(load_http):
    """Read every addon manifest once, in the test thread, before any request.

    Debian 12's Python 3.11.2 has a thread-unsafe ``ast.parse`` (CPython gh-106905,
    fixed in 3.11.5): the first request for a static file makes Odoo's HTTP thread
    parse all manifests (``odoo.http.root.statics``), and when the test thread parses
    Python at the same moment one of them fails with "SystemError: AST constructor
    recursion depth mismatch", the asset answers 500 and a PDF or a tour breaks at
    random. Manifests are cached after the first read, so reading them here first
    leaves nothing to race.
    """
    from odoo.http import root

    root.statics  # noqa: B018 - a lazy property: reading it is the point
    yield
