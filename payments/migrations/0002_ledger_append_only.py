"""Database-level guarantees for the ledger.

- Entries and postings are append-only: UPDATE and DELETE raise. Corrections are reversing entries.
- Every entry balances: a deferred constraint trigger checks, at commit, that the postings of each
  touched entry sum to zero per currency.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON payments_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_posting_append_only BEFORE UPDATE OR DELETE ON payments_posting
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE FUNCTION ledger_check_balanced() RETURNS trigger AS $$
DECLARE
    unbalanced text;
BEGIN
    SELECT currency INTO unbalanced FROM payments_posting
        WHERE entry_id = NEW.entry_id GROUP BY currency HAVING SUM(amount_minor) <> 0 LIMIT 1;
    IF unbalanced IS NOT NULL THEN
        RAISE EXCEPTION 'ledger entry % does not balance in %', NEW.entry_id, unbalanced;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledger_posting_balanced AFTER INSERT ON payments_posting
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
"""

BACKWARD = """
DROP TRIGGER ledger_posting_balanced ON payments_posting;
DROP FUNCTION ledger_check_balanced();
DROP TRIGGER ledger_posting_append_only ON payments_posting;
DROP TRIGGER ledger_entry_append_only ON payments_ledgerentry;
DROP FUNCTION ledger_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
