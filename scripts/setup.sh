#!/usr/bin/env bash
# Idempotent set-up of everything the project needs on a Debian 12 / Ubuntu machine:
# the Odoo 18 source, PostgreSQL with a role of our own, Odoo's Debian python3-*
# dependencies, wkhtmltopdf with CJK fonts, Chromium, and a virtual environment (over
# the system Python, with its site packages) holding the development extras.
# A second run only checks and is done in a second or two.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_odoo_source() {
    if [ -f "$ODOO_SRC/odoo-bin" ]; then return; fi
    log "Odoo source not found at $ODOO_SRC: cloning the public $ODOO_BRANCH branch"
    command -v git >/dev/null || { apt_install git; }
    as_root git clone --depth 1 --branch "$ODOO_BRANCH" "$ODOO_REPO" "$ODOO_SRC" \
        || die "no Odoo 18 source at $ODOO_SRC and cloning $ODOO_REPO failed; put the source there or set ODOO_SRC"
}

APT_UPDATED=0
apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$APT_UPDATED" -eq 0 ]; then
        log "apt-get update"
        as_root apt-get update -qq
        APT_UPDATED=1
    fi
    log "installing: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Odoo's Python dependencies as its own Debian packaging lists them; for "a | b"
# alternatives the first one this distribution has wins.
odoo_debian_depends() {
    sed -n '/^Depends:/,/^[A-Z][A-Za-z-]*:/p' "$ODOO_SRC/debian/control" \
        | grep -v '^#' | grep -o 'python3-[a-z0-9.+-]*\( *| *python3-[a-z0-9.+-]*\)*' \
        | while read -r alternatives; do
            local chosen=""
            IFS='|' read -ra alts <<<"$alternatives"
            for alt in "${alts[@]}"; do
                alt="$(echo "$alt" | tr -d ' ')"
                if dpkg-query -W -f='${Status}' "$alt" 2>/dev/null | grep -q "install ok installed" \
                    || apt-cache show "$alt" >/dev/null 2>&1; then
                    chosen="$alt"; break
                fi
            done
            [ -n "$chosen" ] && echo "$chosen"
        done
}

ensure_packages() {
    local stamp="$STATE_DIR/apt.stamp"
    local want
    want="$(cat "$ODOO_SRC/debian/control" "$PROJECT_DIR/scripts/setup.sh" | sha256sum | cut -c1-16)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
    # apt-cache needs package lists before it can answer for the alternatives.
    if [ "$APT_UPDATED" -eq 0 ] && ! apt-cache show python3-babel >/dev/null 2>&1; then
        as_root apt-get update -qq; APT_UPDATED=1
    fi
    local pkgs
    mapfile -t pkgs < <(odoo_debian_depends)
    apt_install postgresql postgresql-client python3-venv python3-pip python3-setuptools \
        "${pkgs[@]}" \
        wkhtmltopdf fonts-noto-cjk fonts-dejavu-core xfonts-75dpi xfonts-base \
        chromium python3-websocket poppler-utils gettext git ca-certificates locales
    mkdir -p "$STATE_DIR"
    echo "$want" >"$stamp"
}

ensure_postgresql() {
    if ! pg_lsclusters -h 2>/dev/null | grep -q online; then
        local cluster
        cluster="$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')"
        if [ -z "$cluster" ]; then
            local ver
            ver="$(ls /usr/lib/postgresql | sort -n | tail -1)"
            as_root pg_createcluster "$ver" main >/dev/null
            cluster="$ver main"
        fi
        log "starting PostgreSQL $cluster"
        # shellcheck disable=SC2086
        as_root pg_ctlcluster $cluster start
    fi
    if [ "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$PGUSER_ODOO'")" != "1" ]; then
        log "creating PostgreSQL role $PGUSER_ODOO"
        psql_admin -d postgres -c "CREATE ROLE \"$PGUSER_ODOO\" LOGIN CREATEDB PASSWORD '$PGPASSWORD_ODOO'"
    fi
}

ensure_venv() {
    local stamp="$VENV/.requirements.sha"
    local want
    want="$(sha256sum "$PROJECT_DIR/requirements-dev.txt" | cut -c1-16)"
    if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
    log "creating virtual environment $VENV"
    /usr/bin/python3 -m venv --system-site-packages "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check -r "$PROJECT_DIR/requirements-dev.txt"
    # Odoo is not a package here: make its source importable (pytest-odoo imports it).
    local site
    site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    echo "$ODOO_SRC" >"$site/odoo-src.pth"
    echo "$want" >"$stamp"
}

main() {
    mkdir -p "$STATE_DIR"
    ensure_odoo_source
    ensure_packages
    ensure_postgresql
    ensure_venv
}

main "$@"
