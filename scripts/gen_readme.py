"""Generate each addon's README.rst from its manifest and readme/*.md fragments, in
the layout of OCA's oca-gen-addon-readme (OCA/maintainer-tools,
tools/gen_addon_readme.py and gen_addon_readme.rst.jinja, 18.0 with Markdown
fragments).

Usage: gen_readme.py [--check] [ADDON_DIR...]   (default: every addons/*/ with a
readme/DESCRIPTION.md)

Why not OCA's own tool: it is not published on PyPI (it lives in maintainer-tools,
installed from GitHub, which the project's machines cannot reach) and it converts
Markdown with pandoc, which is not installed here. This one writes the same layout:
the title, the "generated" comment with the source digest, the badges OCA prints for
a repository outside the OCA (maturity, license, GitHub), the description, the
alpha warning, the table of contents, the sections in OCA's order (Use Cases /
Context, Installation, Configuration, Usage, Development, Known issues / Roadmap,
Changelog), Bug Tracker, and Credits (Authors, Contributors, Other credits,
Maintainers). The fragments are Markdown of a simple kind (headings, paragraphs,
lists, *emphasis*, **bold**, `code`, fenced code blocks), converted the way pandoc
converts them for OCA (headings shifted to the fragment's level, code as
``code``), without pandoc's re-wrapping of paragraphs.

Like OCA's pre-commit hook (--if-source-changed --keep-source-digest), a README whose
content is unchanged keeps the digest it has, so an edit of the manifest that changes
nothing in the README (a data file added) changes no README.

Without --check, writes the README.rst files that differ. With --check, writes
nothing and exits 1 when one is missing or stale. Either way, exits 1 when docutils
warns about one (Odoo renders it on the Apps page and logs those warnings; OCA's
tool fails on them too).
"""

import ast
import hashlib
import os
import re
import sys
from pathlib import Path

BRANCH = "18.0"
FRAGMENTS_DIR = "readme"
# name: (title, heading level of the fragment: 2 = a section, 3 = a subsection)
FRAGMENTS = {
    "DESCRIPTION": (None, 2),
    "CONTEXT": ("Use Cases / Context", 2),
    "INSTALL": ("Installation", 2),
    "CONFIGURE": ("Configuration", 2),
    "USAGE": ("Usage", 2),
    "DEVELOP": ("Development", 2),
    "ROADMAP": ("Known issues / Roadmap", 2),
    "HISTORY": ("Changelog", 2),
    "CONTRIBUTORS": ("Contributors", 3),
    "CREDITS": ("Other credits", 3),
}
SECTIONS = ["CONTEXT", "INSTALL", "CONFIGURE", "USAGE", "DEVELOP", "ROADMAP", "HISTORY"]
# pandoc's reStructuredText heading characters, by level
HEADING_CHARS = "=-~^'"
# Markdown fragments: OCA's level-3 titles (Authors, Contributors...) use "-".
LEVEL3_UNDERLINE = "-"

LICENSE_BADGES = {
    "AGPL-3": (
        "https://img.shields.io/badge/license-AGPL--3-blue.png",
        "http://www.gnu.org/licenses/agpl-3.0-standalone.html",
        "License: AGPL-3",
    ),
    "LGPL-3": (
        "https://img.shields.io/badge/license-LGPL--3-blue.png",
        "http://www.gnu.org/licenses/lgpl-3.0-standalone.html",
        "License: LGPL-3",
    ),
    "GPL-3": (
        "https://img.shields.io/badge/license-GPL--3-blue.png",
        "http://www.gnu.org/licenses/gpl-3.0-standalone.html",
        "License: GPL-3",
    ),
}
STATUS_URL = "https://odoo-community.org/page/development-status"
DEVELOPMENT_STATUS_BADGES = {
    "mature": (
        "https://img.shields.io/badge/maturity-Mature-brightgreen.png",
        "Mature",
    ),
    "production/stable": (
        "https://img.shields.io/badge/maturity-Production%2FStable-green.png",
        "Production/Stable",
    ),
    "beta": ("https://img.shields.io/badge/maturity-Beta-yellow.png", "Beta"),
    "alpha": ("https://img.shields.io/badge/maturity-Alpha-red.png", "Alpha"),
}


def source_digest(addon):
    """OCA's digest (maintainer-tools, tools/_hash.py): sha256 over the relative
    path and the content of the manifest and of every readme/ file, in order."""
    sha = hashlib.sha256()
    paths = ["__manifest__.py"]
    for dirpath, dirnames, filenames in os.walk(addon / FRAGMENTS_DIR):
        dirnames.sort()
        reldir = os.path.relpath(dirpath, addon)
        paths += [
            os.path.join(reldir, name) for name in sorted(filenames) if name[0] != "."
        ]
    for path in paths:
        sha.update(path.encode("utf-8"))
        sha.update((addon / path).read_bytes())
    return f"sha256:{sha.hexdigest()}"


def md_to_rst(text, level):
    """The Markdown of a fragment as pandoc writes it in reStructuredText for OCA
    (headings shifted by level - 2)."""
    out, in_code = [], False
    for line in text.splitlines():
        fence = re.match(r"^```(\w*)\s*$", line)
        if fence and not in_code:
            out += [f".. code:: {fence[1]}".rstrip(), ""]
            in_code = True
            continue
        if fence and in_code:
            out.append("")
            in_code = False
            continue
        if in_code:
            out.append(("   " + line) if line else "")
            continue
        heading = re.match(r"^(#{1,5})\s+(.*?)\s*#*\s*$", line)
        if heading:
            depth = len(heading[1]) + level - 2
            char = HEADING_CHARS[min(depth, len(HEADING_CHARS)) - 1]
            out += [heading[2], char * len(heading[2])]
            continue
        line = re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", line)
        out.append(line)
    return "\n".join(out).strip("\n") + "\n"


def title(text, char):
    return f"{text}\n{char * len(text)}\n"


def repo_of(manifest):
    """(organisation, repository) of the manifest's GitHub website."""
    match = re.match(r"https://github\.com/([^/]+)/([^/#?]+)", manifest["website"])
    if not match:
        raise SystemExit(f"website is not a GitHub repository: {manifest['website']}")
    return match[1], match[2]


def badges(manifest, org, repo, addon_name):
    found = []
    status = manifest.get("development_status", "Beta").lower()
    if status in DEVELOPMENT_STATUS_BADGES:
        image, alt = DEVELOPMENT_STATUS_BADGES[status]
        found.append((image, STATUS_URL, alt))
    if manifest.get("license") in LICENSE_BADGES:
        found.append(LICENSE_BADGES[manifest["license"]])
    found.append(
        (
            f"https://img.shields.io/badge/github-{org.replace('-', '--')}%2F"
            f"{repo.replace('-', '--')}-lightgray.png?logo=github",
            f"https://github.com/{org}/{repo}/tree/{BRANCH}/{addon_name}",
            f"{org}/{repo}",
        )
    )
    return found


def render(addon, digest):
    addon_name = addon.resolve().name
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text(encoding="utf-8"))
    org, repo = repo_of(manifest)
    fragments = {}
    for name, (_heading, level) in FRAGMENTS.items():
        path = addon / FRAGMENTS_DIR / f"{name}.md"
        if path.exists() and path.read_text(encoding="utf-8").strip():
            fragments[name] = md_to_rst(path.read_text(encoding="utf-8"), level)
    name = manifest["name"]
    generated = "!! This file is generated by scripts/gen_readme.py !!"
    bar = "!" * len(generated)
    out = [
        "=" * len(name),
        name,
        "=" * len(name),
        "",
        # OCA's comment, trailing space included.
        ".. ",
        f"   {bar}",
        f"   {generated}",
        f"   {'!! changes will be overwritten.'.ljust(len(generated) - 2)}!!",
        f"   {bar}",
        f"   !! source digest: {digest}",
        f"   {bar}",
        "",
    ]
    found = badges(manifest, org, repo, addon_name)
    for index, (image, target, alt) in enumerate(found, 1):
        out += [
            f".. |badge{index}| image:: {image}",
            f"    :target: {target}",
            f"    :alt: {alt}",
        ]
    out += ["", " ".join(f"|badge{i}|" for i in range(1, len(found) + 1)), ""]
    out.append(fragments.get("DESCRIPTION", ""))
    if manifest.get("development_status", "Beta").lower() == "alpha":
        out += [
            ".. IMPORTANT::",
            "   This is an alpha version, the data model and design can change at any "
            "time without warning.",
            "   Only for development or testing purpose, do not use in production.",
            f"   `More details on development status <{STATUS_URL}>`_",
            "",
        ]
    out += ["**Table of contents**", "", ".. contents::", "   :local:", ""]
    for section in SECTIONS:
        if section in fragments:
            out += [title(FRAGMENTS[section][0], "="), fragments[section]]
    issues = f"https://github.com/{org}/{repo}/issues"
    out += [
        title("Bug Tracker", "="),
        f"Bugs are tracked on `GitHub Issues <{issues}>`_.",
        "In case of trouble, please check there if your issue has already been "
        "reported.",
        "If you spotted it first, help us to smash it by providing a detailed and "
        "welcomed",
        f"`feedback <{issues}/new?body=module:%20{addon_name}%0Aversion:%20{BRANCH}"
        "%0A%0A**Steps%20to%20reproduce**%0A-%20...%0A%0A**Current%20behavior**"
        "%0A%0A**Expected%20behavior**>`_.",
        "",
        "Do not contact contributors directly about support or help with technical "
        "issues.",
        "",
        title("Credits", "="),
    ]
    authors = [
        a.strip() for a in manifest.get("author", "").split(",") if "(OCA)" not in a
    ]
    if authors:
        out.append(title("Authors", LEVEL3_UNDERLINE))
        out += [f"* {author}" for author in authors]
        out.append("")
    for fragment in ("CONTRIBUTORS", "CREDITS"):
        if fragment in fragments:
            out += [
                title(FRAGMENTS[fragment][0], LEVEL3_UNDERLINE),
                fragments[fragment],
            ]
    out.append(title("Maintainers", LEVEL3_UNDERLINE))
    maintainers = manifest.get("maintainers") or []
    if maintainers:
        for login in maintainers:
            out += [
                f".. |maintainer-{login}| image:: https://github.com/{login}.png?size=40px",
                f"    :target: https://github.com/{login}",
                f"    :alt: {login}",
            ]
        out += [
            "",
            f"Current maintainer{'s' if len(maintainers) > 1 else ''}:",
            "",
            " ".join(f"|maintainer-{login}|" for login in maintainers) + " ",
            "",
        ]
    out += [
        f"This module is part of the `{org}/{repo} <https://github.com/{org}/{repo}"
        f"/tree/{BRANCH}/{addon_name}>`_ project on GitHub.",
        "",
        "You are welcome to contribute.",
    ]
    return "\n".join(out) + "\n"


def kept_digest(readme):
    """The digest written in an existing README.rst, or None."""
    if not readme.exists():
        return None
    match = re.search(r"!! source digest: (sha256:\w+)", readme.read_text("utf-8"))
    return match[1] if match else None


def docutils_warnings(text):
    """The system messages docutils leaves in ``text``'s document tree, or "".
    Odoo logs every one of them, of any level (even "Duplicate implicit target
    name", an INFO), as a WARNING when it renders the README on the Apps page."""
    import docutils.core
    from docutils import nodes

    doctree = docutils.core.publish_doctree(
        text,
        settings_overrides={
            "report_level": 5,
            "halt_level": 5,
            "file_insertion_enabled": False,
        },
    )
    return "\n".join(node.astext() for node in doctree.findall(nodes.system_message))


def main(argv):
    check = "--check" in argv
    addons = [Path(a) for a in argv if a != "--check"]
    if not addons:
        root = Path(__file__).resolve().parent.parent / "addons"
        addons = sorted(
            p for p in root.iterdir() if (p / FRAGMENTS_DIR / "DESCRIPTION.md").exists()
        )
    failed = []
    for addon in addons:
        readme = addon / "README.rst"
        digest = source_digest(addon)
        text = render(addon, digest)
        old = kept_digest(readme)
        if old and old != digest and render(addon, old) == readme.read_text("utf-8"):
            text = render(addon, old)  # unchanged but for the digest: keep it
        warnings = docutils_warnings(text)
        if warnings:
            print(f"{readme}: docutils warns (fix the readme/ fragments):\n{warnings}")
            failed.append(str(readme))
        current = readme.read_text("utf-8") if readme.exists() else None
        if current != text:
            if check:
                print(f"{readme} is stale: run scripts/gen_readme.py")
                failed.append(str(readme))
            else:
                readme.write_text(text, encoding="utf-8")
                print(f"{readme} written")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
