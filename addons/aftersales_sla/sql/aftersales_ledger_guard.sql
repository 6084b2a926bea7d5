-- Guards of the service ledger tables, in PostgreSQL. Idempotent.
--
-- Run by the owner of the tables: by the model's init() while the role Odoo runs as
-- still owns them (a database that never went through the owner step), and by
-- scripts/ledger_owner.sql as the separate ledger owner role, which then keeps the
-- functions and triggers out of reach of the role Odoo runs as.
--
-- aftersales_event_guard()      trigger: refuses UPDATE (except the one-time sealing
--                               of an unsealed row), DELETE and TRUNCATE, and INSERTs
--                               that do not look like appends.
-- aftersales_event_seal(...)    the sealing step, SECURITY DEFINER: fills the seal
--                               columns of the oldest unsealed events of one chain, in
--                               order, and moves the chain's head; nothing else.
-- aftersales_append_only()      trigger: checkpoints are never changed nor deleted.

CREATE OR REPLACE FUNCTION aftersales_event_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $guard$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- An append comes unsealed: sequence, links and hash are the sealer's.
        IF NEW.sequence IS NOT NULL OR NEW.previous_hash IS NOT NULL
           OR NEW.hash IS NOT NULL OR NEW.sealed_at IS NOT NULL THEN
            RAISE EXCEPTION 'aftersales_event is append-only: an appended event cannot come sealed'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        -- It is recorded now: within this transaction, by the database's clock.
        IF NEW.recorded_at IS NULL
           OR NEW.recorded_at < date_trunc('second', now() AT TIME ZONE 'UTC')
           OR NEW.recorded_at > (clock_timestamp() AT TIME ZONE 'UTC') THEN
            RAISE EXCEPTION 'aftersales_event is append-only: recorded_at % is not the time of this transaction',
                NEW.recorded_at
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        -- The columns the hash does not cover mirror hashed ones, so that a later
        -- change to them is found by verification.
        NEW.create_uid := NEW.author_id;
        NEW.write_uid := NEW.author_id;
        NEW.create_date := NEW.recorded_at;
        NEW.write_date := NEW.recorded_at;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        -- The one permitted update: sealing an unsealed row, which fills in the seal
        -- columns and changes nothing else.
        IF OLD.hash IS NULL AND OLD.sequence IS NULL
           AND NEW.hash IS NOT NULL AND NEW.sequence IS NOT NULL
           AND (to_jsonb(NEW) - ARRAY['sequence', 'previous_hash', 'hash', 'sealed_at'])
             = (to_jsonb(OLD) - ARRAY['sequence', 'previous_hash', 'hash', 'sealed_at'])
        THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'aftersales_event is append-only: UPDATE of event % refused',
            OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RAISE EXCEPTION 'aftersales_event is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$guard$;

DROP TRIGGER IF EXISTS aftersales_event_append ON aftersales_event;
CREATE TRIGGER aftersales_event_append BEFORE INSERT ON aftersales_event
    FOR EACH ROW EXECUTE FUNCTION aftersales_event_guard();
DROP TRIGGER IF EXISTS aftersales_event_no_update ON aftersales_event;
CREATE TRIGGER aftersales_event_no_update BEFORE UPDATE ON aftersales_event
    FOR EACH ROW EXECUTE FUNCTION aftersales_event_guard();
DROP TRIGGER IF EXISTS aftersales_event_no_delete ON aftersales_event;
CREATE TRIGGER aftersales_event_no_delete BEFORE DELETE ON aftersales_event
    FOR EACH ROW EXECUTE FUNCTION aftersales_event_guard();
DROP TRIGGER IF EXISTS aftersales_event_no_truncate ON aftersales_event;
CREATE TRIGGER aftersales_event_no_truncate BEFORE TRUNCATE ON aftersales_event
    FOR EACH STATEMENT EXECUTE FUNCTION aftersales_event_guard();

CREATE OR REPLACE FUNCTION aftersales_event_seal(
    p_chain integer, p_ids integer[], p_hashes varchar[]
) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $seal$
DECLARE
    v_count integer := coalesce(array_length(p_ids, 1), 0);
    v_head_sequence integer;
    v_head_hash varchar;
    v_last_sequence integer;
    v_last_hash varchar;
    v_oldest integer[];
    v_sealed integer;
BEGIN
    IF v_count = 0 THEN
        RETURN 0;
    END IF;
    IF coalesce(array_length(p_hashes, 1), 0) <> v_count
       OR EXISTS (SELECT 1 FROM unnest(p_hashes) AS h
                   WHERE h IS NULL OR h !~ '^\$1\$[0-9a-f]{64}$') THEN
        RAISE EXCEPTION 'aftersales_event_seal: one well-formed hash per event expected'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT last_sequence, last_hash INTO v_head_sequence, v_head_hash
      FROM aftersales_event_chain WHERE id = p_chain FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'aftersales_event_seal: no chain %', p_chain
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Continue from the chain's last sealed event, which must be its head.
    SELECT sequence, hash INTO v_last_sequence, v_last_hash
      FROM aftersales_event
     WHERE chain_id = p_chain AND sequence IS NOT NULL
  ORDER BY chain_id DESC, sequence DESC LIMIT 1;
    IF coalesce(v_head_sequence, 0) <> coalesce(v_last_sequence, 0)
       OR coalesce(v_head_hash, '') <> coalesce(v_last_hash, '') THEN
        RAISE EXCEPTION 'aftersales_event_seal: the head of chain % (%) is not its last event (%): verify the ledger',
            p_chain, coalesce(v_head_sequence, 0), coalesce(v_last_sequence, 0)
            USING ERRCODE = 'data_corrupted';
    END IF;
    -- Only the oldest unsealed events of the chain, all of them, in id order.
    SELECT array_agg(id ORDER BY id) INTO v_oldest
      FROM (SELECT id FROM aftersales_event
             WHERE chain_id = p_chain AND hash IS NULL
          ORDER BY chain_id, id LIMIT v_count) AS oldest;
    IF v_oldest IS DISTINCT FROM p_ids THEN
        RAISE EXCEPTION 'aftersales_event_seal: events are sealed oldest first, all of them'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE aftersales_event e
       SET sequence = coalesce(v_last_sequence, 0) + v.n,
           previous_hash = CASE WHEN v.n = 1 THEN v_last_hash ELSE p_hashes[v.n - 1] END,
           hash = v.h,
           sealed_at = (clock_timestamp() AT TIME ZONE 'UTC')
      FROM unnest(p_ids, p_hashes) WITH ORDINALITY AS v(id, h, n)
     WHERE e.id = v.id AND e.hash IS NULL;
    GET DIAGNOSTICS v_sealed = ROW_COUNT;
    IF v_sealed <> v_count THEN
        RAISE EXCEPTION 'aftersales_event_seal: % of % events sealed', v_sealed, v_count
            USING ERRCODE = 'serialization_failure';
    END IF;
    UPDATE aftersales_event_chain
       SET last_sequence = coalesce(v_last_sequence, 0) + v_count,
           last_hash = p_hashes[v_count],
           last_sealed_at = (now() AT TIME ZONE 'UTC')
     WHERE id = p_chain;
    RETURN v_count;
END;
$seal$;

REVOKE ALL ON FUNCTION aftersales_event_seal(integer, integer[], varchar[]) FROM PUBLIC;

CREATE OR REPLACE FUNCTION aftersales_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $append_only$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$append_only$;

DO $checkpoints$
BEGIN
    IF to_regclass('aftersales_event_checkpoint') IS NOT NULL THEN
        DROP TRIGGER IF EXISTS aftersales_event_checkpoint_no_change
            ON aftersales_event_checkpoint;
        CREATE TRIGGER aftersales_event_checkpoint_no_change
            BEFORE UPDATE OR DELETE ON aftersales_event_checkpoint
            FOR EACH ROW EXECUTE FUNCTION aftersales_append_only();
        DROP TRIGGER IF EXISTS aftersales_event_checkpoint_no_truncate
            ON aftersales_event_checkpoint;
        CREATE TRIGGER aftersales_event_checkpoint_no_truncate
            BEFORE TRUNCATE ON aftersales_event_checkpoint
            FOR EACH STATEMENT EXECUTE FUNCTION aftersales_append_only();
    END IF;
END;
$checkpoints$;
