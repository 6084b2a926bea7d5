-- The owner step: a separate role owns the service ledger, the role Odoo runs as
-- keeps only what it needs. Run by the PostgreSQL superuser after every install or
-- update of the addons (scripts/lib.sh: ensure_ledger_owner), in one transaction;
-- idempotent. psql variables: runtime (the role Odoo connects as) and owner (the
-- ledger owner role, which must exist). The guards (sql/aftersales_ledger_guard.sql)
-- follow this file on the same input, run as the owner.
--
-- After it:
--   runtime  SELECT, INSERT on the ledger tables (aftersales_event, its chains and
--            checkpoints), UPDATE of the chains' bookkeeping columns only (name,
--            verification result), EXECUTE on aftersales_event_seal() (the sealing
--            step, SECURITY DEFINER); no UPDATE, DELETE, TRUNCATE, ALTER or TRIGGER
--            on them, and it owns neither them, their triggers, their functions nor
--            the schema (so it cannot drop them either);
--   owner    owns the three tables, the guard functions and triggers, and the
--            schema public; it may act as runtime (for upgrades run as the owner).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
BEGIN;
SELECT set_config('aftersales.runtime', :'runtime', true),
       set_config('aftersales.owner', :'owner', true);

DO $owner_step$
DECLARE
    v_runtime text := current_setting('aftersales.runtime');
    v_owner text := current_setting('aftersales.owner');
    v_ledger text[] := ARRAY['aftersales_event', 'aftersales_event_chain',
                             'aftersales_event_checkpoint'];
    r record;
BEGIN
    IF pg_has_role(v_runtime, v_owner, 'MEMBER') THEN
        RAISE EXCEPTION 'role % must not be a member of the ledger owner %',
            v_runtime, v_owner;
    END IF;
    -- An upgrade run as the owner created its new tables as the owner: they are
    -- the application's, give them back.
    FOR r IN
        SELECT c.oid::regclass AS rel, c.relkind
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relowner = v_owner::regrole
           AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
           AND NOT c.relname = ANY(v_ledger)
           AND NOT EXISTS (SELECT 1 FROM pg_depend d
                            WHERE d.classid = 'pg_class'::regclass
                              AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO %I',
            CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                           WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
            r.rel, v_runtime);
    END LOOP;

    EXECUTE format('ALTER SCHEMA public OWNER TO %I', v_owner);
    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA public TO %I', v_runtime);

    FOR r IN SELECT unnest(v_ledger) AS name LOOP
        CONTINUE WHEN to_regclass(r.name) IS NULL;
        -- Owned sequences (the id) follow the table.
        EXECUTE format('ALTER TABLE %I OWNER TO %I', r.name, v_owner);
        EXECUTE format('REVOKE ALL ON %I FROM PUBLIC, %I', r.name, v_runtime);
        EXECUTE format('GRANT SELECT, INSERT, REFERENCES ON %I TO %I',
                       r.name, v_runtime);
        EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %I TO %I',
                       r.name || '_id_seq', v_runtime);
    END LOOP;
    -- The chains' head moves only by sealing; the rest is the application's
    -- bookkeeping (name, last verification, write date).
    FOR r IN
        SELECT attname FROM pg_attribute
         WHERE attrelid = 'aftersales_event_chain'::regclass AND attnum > 0
           AND NOT attisdropped
           AND attname NOT IN ('id', 'company_id', 'last_sequence', 'last_hash',
                               'last_sealed_at', 'audit_from_sequence',
                               'create_uid', 'create_date')
    LOOP
        EXECUTE format('GRANT UPDATE (%I) ON aftersales_event_chain TO %I',
                       r.attname, v_runtime);
    END LOOP;

    FOR r IN
        SELECT p.oid::regprocedure AS proc FROM pg_proc p
          JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = 'public'
           AND p.proname IN ('aftersales_event_guard', 'aftersales_event_seal',
                             'aftersales_append_only')
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO %I', r.proc, v_owner);
    END LOOP;
END;
$owner_step$;

SET LOCAL ROLE :"owner";
