-- The end of the owner step (after scripts/ledger_owner.sql and the guards, run as
-- the owner): the runtime role may seal, and nothing else more.
RESET ROLE;
GRANT EXECUTE ON FUNCTION aftersales_event_seal(integer, integer[], varchar[])
    TO :"runtime";
COMMIT;
