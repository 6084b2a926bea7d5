#!/usr/bin/env bash
# Two Odoo servers and a streaming replica on this machine, then the checks of issue
# #16 item 3 (docs/scaling.md, "Two servers and a replica"):
#
#   scripts/cluster-test.sh          set up, run every check, tear down (exit 0 only
#                                    if every check passed)
#   scripts/cluster-test.sh up       set up only (and leave it running)
#   scripts/cluster-test.sh check    the checks, against what `up` left running
#   scripts/cluster-test.sh down     tear down (servers, replica, slot, role, the
#                                    primary's configuration changes); the database
#                                    is kept, `down --purge` drops it too
#
# What is set up (idempotently; what it changed is recorded under .state/cluster/):
#   - PostgreSQL: a replication role and a physical slot on the primary (the cluster
#     on port 5432), the primary's settings and pg_hba.conf changed only where
#     replication needs it (a marked conf.d file and marked pg_hba lines, removed by
#     `down`), and a hot-standby cluster "aftersales_replica" on port 5433 made by
#     pg_basebackup -R, its data under .state/cluster/pgdata;
#   - the database aftersales_cluster with the five addons (no demo data), the
#     ledger owner step done;
#   - two Odoo servers, --workers 2 --max-cron-threads 1 each (HTTP 8175 and 8177,
#     gevent 8176 and 8178), the same database and filestore, db_replica_host/port
#     pointing at the replica.
#
# The checks (tests/load/cluster_load.py): reads on the replica (ledger verification
# and the penalty pivot over JSON-RPC on server 2, seen in the replica's statistics),
# throughput of intake and milestones with one and two servers, every aftersales
# scheduled action run on both servers at once many times with no breach, penalty
# or event booked twice, and a server SIGKILLed in the middle of an SLA watch batch
# losing nothing. Takes about 10 minutes (the first run also creates the database).
#
# Environment: CLUSTER_DB (aftersales_cluster), LOAD_CLIENTS (8), LOAD_SECONDS (60),
# DUE_CLOCKS (500) and CRON_ROUNDS (5) for the cron checks, KILL_CLOCKS (1500),
# KEEP_CLUSTER=1 (do not tear down after the checks).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$PROJECT_DIR"

CLUSTER_DIR="$STATE_DIR/cluster"
CLUSTER_DB="${CLUSTER_DB:-aftersales_cluster}"
PG_VERSION="${PG_VERSION:-$(pg_lsclusters -h | awk -v port="$PGPORT" '$3 == port {print $1; exit}')}"
PRIMARY_CLUSTER="${PRIMARY_CLUSTER:-$(pg_lsclusters -h | awk -v port="$PGPORT" '$3 == port {print $2; exit}')}"
REPLICA_CLUSTER="aftersales_replica"
REPLICA_PORT="${REPLICA_PORT:-5433}"
REPLICA_DATA="$CLUSTER_DIR/pgdata"
REPL_ROLE="aftersales_replicator"
REPL_SLOT="aftersales_replica"
REPL_SECRET="$CLUSTER_DIR/replicator.secret"
PRIMARY_ETC="/etc/postgresql/$PG_VERSION/$PRIMARY_CLUSTER"
PRIMARY_CONF_D="$PRIMARY_ETC/conf.d/aftersales-cluster.conf"
HBA_MARK="# aftersales-cluster-test"
SERVER_PORTS=(8175 8177)
GEVENT_PORTS=(8176 8178)
LOAD="$VENV/bin/python tests/load/cluster_load.py"

[ -n "$PG_VERSION" ] || die "no PostgreSQL cluster on port $PGPORT (run scripts/setup.sh)"

psql_primary() { psql_admin -p "$PGPORT" "$@"; }
psql_replica() { psql_admin -p "$REPLICA_PORT" "$@"; }

# ----------------------------------------------------------------------------
# The primary: settings, pg_hba, role, slot
# ----------------------------------------------------------------------------

primary_ready_for_replication() {
    local level senders slots
    level="$(psql_primary -d postgres -tAc "SHOW wal_level")"
    senders="$(psql_primary -d postgres -tAc "SHOW max_wal_senders")"
    slots="$(psql_primary -d postgres -tAc "SHOW max_replication_slots")"
    [ "$level" != "minimal" ] && [ "$senders" -ge 2 ] && [ "$slots" -ge 1 ]
}

setup_primary() {
    mkdir -p "$CLUSTER_DIR"
    if ! primary_ready_for_replication; then
        log "primary: enabling replication ($PRIMARY_CONF_D; restarts $PG_VERSION/$PRIMARY_CLUSTER)"
        printf '%s\nwal_level = replica\nmax_wal_senders = 10\nmax_replication_slots = 10\n' \
            "$HBA_MARK" >"$PRIMARY_CONF_D"
        echo "$PRIMARY_CONF_D" >"$CLUSTER_DIR/primary-conf.added"
        as_root pg_ctlcluster "$PG_VERSION" "$PRIMARY_CLUSTER" restart
    fi
    # Replication connections of the role over TCP on the loopback.
    local covered
    covered="$(psql_primary -d postgres -tAc "SELECT count(*) FROM pg_hba_file_rules
        WHERE type = 'host' AND 'replication' = ANY(database)
          AND (user_name && ARRAY['all', '$REPL_ROLE']) AND address = '127.0.0.1'")"
    if [ "$covered" = "0" ]; then
        log "primary: pg_hba.conf allows $REPL_ROLE to replicate from 127.0.0.1"
        printf 'host replication %s 127.0.0.1/32 scram-sha-256 %s\n' "$REPL_ROLE" "$HBA_MARK" \
            >>"$PRIMARY_ETC/pg_hba.conf"
        touch "$CLUSTER_DIR/primary-hba.added"
        psql_primary -d postgres -c "SELECT pg_reload_conf()" >/dev/null
    fi
    if [ ! -s "$REPL_SECRET" ]; then
        (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$REPL_SECRET")
    fi
    if [ "$(psql_primary -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$REPL_ROLE'")" != "1" ]; then
        log "primary: replication role $REPL_ROLE"
        psql_primary -d postgres -c "CREATE ROLE $REPL_ROLE WITH REPLICATION LOGIN"
    fi
    psql_primary -d postgres -c "ALTER ROLE $REPL_ROLE WITH REPLICATION LOGIN PASSWORD '$(cat "$REPL_SECRET")'" >/dev/null
    if [ "$(psql_primary -d postgres -tAc "SELECT 1 FROM pg_replication_slots WHERE slot_name = '$REPL_SLOT'")" != "1" ]; then
        log "primary: physical replication slot $REPL_SLOT"
        psql_primary -d postgres -c "SELECT pg_create_physical_replication_slot('$REPL_SLOT')" >/dev/null
    fi
}

teardown_primary() {
    if psql_primary -d postgres -tAc "SELECT 1 FROM pg_replication_slots WHERE slot_name = '$REPL_SLOT'" | grep -q 1; then
        log "primary: dropping slot $REPL_SLOT"
        psql_primary -d postgres -c "SELECT pg_drop_replication_slot('$REPL_SLOT')" >/dev/null
    fi
    if psql_primary -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$REPL_ROLE'" | grep -q 1; then
        log "primary: dropping role $REPL_ROLE"
        psql_primary -d postgres -c "DROP ROLE $REPL_ROLE" >/dev/null
    fi
    if [ -f "$CLUSTER_DIR/primary-hba.added" ] || grep -q "$HBA_MARK" "$PRIMARY_ETC/pg_hba.conf"; then
        log "primary: removing the replication line from pg_hba.conf"
        sed -i "/$HBA_MARK/d" "$PRIMARY_ETC/pg_hba.conf"
        psql_primary -d postgres -c "SELECT pg_reload_conf()" >/dev/null
        rm -f "$CLUSTER_DIR/primary-hba.added"
    fi
    if [ -f "$CLUSTER_DIR/primary-conf.added" ]; then
        log "primary: removing $PRIMARY_CONF_D (restarts $PG_VERSION/$PRIMARY_CLUSTER)"
        rm -f "$PRIMARY_CONF_D" "$CLUSTER_DIR/primary-conf.added"
        as_root pg_ctlcluster "$PG_VERSION" "$PRIMARY_CLUSTER" restart
    fi
}

# ----------------------------------------------------------------------------
# The replica: a hot standby on REPLICA_PORT streaming from the slot
# ----------------------------------------------------------------------------

replica_streaming() {
    pg_lsclusters -h | awk -v n="$REPLICA_CLUSTER" '$2 == n && $4 ~ /online/ {f=1} END {exit !f}' \
        && [ "$(psql_primary -d postgres -tAc "SELECT count(*) FROM pg_stat_replication
                WHERE usename = '$REPL_ROLE' AND state = 'streaming'")" = "1" ]
}

setup_replica() {
    if replica_streaming; then
        log "replica: $PG_VERSION/$REPLICA_CLUSTER already streaming on $REPLICA_PORT"
        return
    fi
    if pg_lsclusters -h | awk -v n="$REPLICA_CLUSTER" '$2 == n {f=1} END {exit !f}'; then
        log "replica: dropping the stale $PG_VERSION/$REPLICA_CLUSTER"
        as_root pg_dropcluster --stop "$PG_VERSION" "$REPLICA_CLUSTER"
    fi
    log "replica: $PG_VERSION/$REPLICA_CLUSTER on port $REPLICA_PORT ($REPLICA_DATA)"
    rm -rf "$REPLICA_DATA"
    mkdir -p "$REPLICA_DATA"
    chown postgres:postgres "$REPLICA_DATA"
    chmod 700 "$REPLICA_DATA"
    as_root pg_createcluster "$PG_VERSION" "$REPLICA_CLUSTER" -p "$REPLICA_PORT" \
        -d "$REPLICA_DATA" >/dev/null
    # The standby's own settings (Debian keeps them outside the data directory):
    # read queries that run long (the verification) hold back the primary's vacuum
    # instead of being cancelled.
    cat >"/etc/postgresql/$PG_VERSION/$REPLICA_CLUSTER/conf.d/aftersales-replica.conf" <<EOF
$HBA_MARK
hot_standby = on
hot_standby_feedback = on
max_standby_streaming_delay = 60s
EOF
    # The base backup copies the whole primary cluster; a database dropped by
    # someone else while it runs can fail it: then it is taken again.
    local attempt
    for attempt in 1 2 3; do
        find "$REPLICA_DATA" -mindepth 1 -delete
        log "replica: pg_basebackup from port $PGPORT (slot $REPL_SLOT, attempt $attempt)"
        if su postgres -c "PGPASSWORD='$(cat "$REPL_SECRET")' pg_basebackup -h 127.0.0.1 \
                -p $PGPORT -U $REPL_ROLE -D '$REPLICA_DATA' -R -S $REPL_SLOT -X stream -c fast"; then
            break
        fi
        [ "$attempt" -lt 3 ] || die "pg_basebackup failed three times"
    done
    as_root pg_ctlcluster "$PG_VERSION" "$REPLICA_CLUSTER" start
    for _ in $(seq 60); do
        replica_streaming && break
        sleep 1
    done
    replica_streaming || die "the replica does not stream (see /var/log/postgresql/postgresql-$PG_VERSION-$REPLICA_CLUSTER.log)"
    [ "$(psql_replica -d postgres -tAc "SELECT pg_is_in_recovery()")" = "t" ] \
        || die "the replica is not in recovery"
}

teardown_replica() {
    if pg_lsclusters -h | awk -v n="$REPLICA_CLUSTER" '$2 == n {f=1} END {exit !f}'; then
        log "replica: dropping $PG_VERSION/$REPLICA_CLUSTER"
        as_root pg_dropcluster --stop "$PG_VERSION" "$REPLICA_CLUSTER"
    fi
    rm -rf "$REPLICA_DATA"
}

# The primary's WAL position reached by the replica's replay.
wait_replica_caught_up() {
    local lsn
    lsn="$(psql_primary -d postgres -tAc "SELECT pg_current_wal_lsn()")"
    for _ in $(seq 120); do
        if [ "$(psql_replica -d postgres -tAc "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn")" = "t" ]; then
            return
        fi
        sleep 0.5
    done
    die "the replica did not replay up to $lsn in 60 s"
}

# ----------------------------------------------------------------------------
# The database and the two servers
# ----------------------------------------------------------------------------

setup_database() {
    ensure_ledger_key
    local conf="$CLUSTER_DIR/install.conf"
    write_odoo_conf "$conf" "db_name = $CLUSTER_DB" "logfile = $CLUSTER_DIR/install.log" \
        "max_cron_threads = 0"
    if ! db_exists "$CLUSTER_DB"; then
        log "database $CLUSTER_DB: installing the five addons (a few minutes)"
        rm -rf "$STATE_DIR/filestore/filestore/$CLUSTER_DB"
        odoo_bin -c "$conf" -d "$CLUSTER_DB" -i "$PROJECT_ADDONS" --without-demo=all \
            --stop-after-init
        ensure_ledger_owner "$CLUSTER_DB"
    else
        log "database $CLUSTER_DB: updating the addons"
        update_addons "$CLUSTER_DB" "$conf"
    fi
}

server_conf() { echo "$CLUSTER_DIR/server$1.conf"; }
server_log() { echo "$CLUSTER_DIR/server$1.log"; }
server_pidfile() { echo "$CLUSTER_DIR/server$1.pid"; }
server_url() { echo "http://127.0.0.1:${SERVER_PORTS[$(($1 - 1))]}"; }

server_running() {
    local pidfile
    pidfile="$(server_pidfile "$1")"
    [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

start_server() {
    local n="$1" conf
    conf="$(server_conf "$n")"
    server_running "$n" && stop_server "$n"
    write_odoo_conf "$conf" "db_name = $CLUSTER_DB" "dbfilter = ^$CLUSTER_DB\$" \
        "http_interface = 127.0.0.1" \
        "http_port = ${SERVER_PORTS[$((n - 1))]}" "gevent_port = ${GEVENT_PORTS[$((n - 1))]}" \
        "workers = 2" "max_cron_threads = 1" \
        "db_replica_host = localhost" "db_replica_port = $REPLICA_PORT" \
        "logfile = $(server_log "$n")" "log_level = info" \
        "limit_time_real = 600" "limit_time_cpu = 600" "limit_time_real_cron = 600" \
        "limit_memory_soft = 2147483648" "limit_memory_hard = 4294967296"
    log "server $n: $(server_url "$n") (workers 2, cron 1, replica :$REPLICA_PORT)"
    # Its own session (process group): killing the group kills the server and its
    # workers at once, as a crashed machine would. ODOO_NOTIFY_CRON_CHANGES: a
    # scheduled action made due wakes the cron workers at once.
    ODOO_NOTIFY_CRON_CHANGES=1 setsid "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$conf" \
        </dev/null >>"$CLUSTER_DIR/server$n.out" 2>&1 &
    echo $! >"$(server_pidfile "$n")"
    for _ in $(seq 120); do
        if curl -sf -o /dev/null "$(server_url "$n")/web/login"; then return; fi
        server_running "$n" || die "server $n exited (see $(server_log "$n"))"
        sleep 1
    done
    die "server $n did not answer in 120 s"
}

stop_server() {
    local n="$1" pid
    server_running "$n" || { rm -f "$(server_pidfile "$n")"; return 0; }
    pid="$(cat "$(server_pidfile "$n")")"
    log "server $n: stopping (pid $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 30); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$(server_pidfile "$n")"
}

cmd_up() {
    mkdir -p "$CLUSTER_DIR"
    bash "$PROJECT_DIR/scripts/setup.sh"
    setup_database
    setup_primary
    setup_replica
    start_server 1
    start_server 2
}

cmd_down() {
    stop_server 1
    stop_server 2
    teardown_replica
    teardown_primary
    if [ "${1:-}" = "--purge" ] && db_exists "$CLUSTER_DB"; then
        log "dropping database $CLUSTER_DB"
        psql_odoo -d postgres -c "DROP DATABASE \"$CLUSTER_DB\" WITH (FORCE)"
        rm -rf "$STATE_DIR/filestore/filestore/$CLUSTER_DB"
    fi
}

# ----------------------------------------------------------------------------
# The checks
# ----------------------------------------------------------------------------

cmd_check() {
    server_running 1 && server_running 2 || die "the servers are not running: scripts/cluster-test.sh up"
    replica_streaming || die "the replica is not streaming: scripts/cluster-test.sh up"
    local common=(--db "$CLUSTER_DB" --url1 "$(server_url 1)" --url2 "$(server_url 2)"
        --primary-port "$PGPORT" --replica-port "$REPLICA_PORT"
        --state "$CLUSTER_DIR")
    local started=$SECONDS failed=0
    # Server log offsets: the check of the logs covers this run only.
    local offsets=()
    for n in 1 2; do offsets+=("$(stat -c %s "$(server_log "$n")" 2>/dev/null || echo 0)"); done

    log "check 1/5: the ledger verification and the penalty pivot read the replica"
    wait_replica_caught_up
    $LOAD replica "${common[@]}" || failed=1

    log "check 2/5: throughput, one server then two"
    $LOAD throughput "${common[@]}" --clients "${LOAD_CLIENTS:-8}" \
        --seconds "${LOAD_SECONDS:-60}" --output "$CLUSTER_DIR/throughput.json" || failed=1

    log "check 3/5: every aftersales scheduled action on both servers at once"
    $LOAD crons "${common[@]}" --due "${DUE_CLOCKS:-500}" --rounds "${CRON_ROUNDS:-5}" || failed=1

    log "check 4/5: a server killed in the middle of an SLA watch batch"
    $LOAD kill "${common[@]}" --due "${KILL_CLOCKS:-1500}" \
        --pidfile1 "$(server_pidfile 1)" --pidfile2 "$(server_pidfile 2)" \
        --log1 "$(server_log 1)" --log2 "$(server_log 2)" || failed=1
    # Whichever server was killed comes back for the final checks.
    server_running 1 || start_server 1
    server_running 2 || start_server 2

    log "check 5/5: no double booking anywhere, the chain verifies (on the replica)"
    wait_replica_caught_up
    $LOAD final "${common[@]}" || failed=1

    log "server logs: no ERROR or unexpected WARNING"
    # The project's allowlist, and what this test provokes on purpose: a scheduled
    # action triggered by hand while the other server (or its cron worker) runs it
    # is refused with Odoo's own message, at WARNING.
    {
        cat scripts/log-allowlist.txt
        echo 'odoo\.http: Record cannot be modified right now: This cron task is currently being executed'
        # A user's milestone on a late ticket while a cron worker books its breach
        # (the cron check does it on purpose): the request loses the ticket row to
        # the watch and Odoo retries it (the client never sees it); Odoo logs the
        # failed attempt's query at ERROR first.
        cat <<'EOF'
odoo\.sql_db: bad query: b' UPDATE "aftersales_ticket"\\n\s+SET "responded_at"
EOF
    } >"$CLUSTER_DIR/log-allowlist.txt"
    for n in 1 2; do
        tail -c "+$((${offsets[$((n - 1))]} + 1))" "$(server_log "$n")" >"$CLUSTER_DIR/server$n.run.log"
        if ! "$VENV/bin/python" scripts/check_log.py "$CLUSTER_DIR/server$n.run.log" \
                "$CLUSTER_DIR/log-allowlist.txt"; then
            failed=1
        fi
    done
    log "checks done in $((SECONDS - started)) s"
    return "$failed"
}

case "${1:-run}" in
    up) cmd_up ;;
    down) cmd_down "${2:-}" ;;
    check) cmd_check ;;
    run)
        started=$SECONDS
        cmd_up
        status=0
        cmd_check || status=$?
        if [ -z "${KEEP_CLUSTER:-}" ]; then cmd_down; fi
        if [ "$status" -eq 0 ]; then
            log "cluster test passed in $((SECONDS - started)) s"
        else
            log "cluster test FAILED (status $status) after $((SECONDS - started)) s"
        fi
        exit "$status"
        ;;
    *) die "usage: $0 [run|up|check|down [--purge]]" ;;
esac
