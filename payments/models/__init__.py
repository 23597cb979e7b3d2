from payments.models.ledger import AccountKind, LedgerAccount, LedgerEntry, Posting

__all__ = ["AccountKind", "LedgerAccount", "LedgerEntry", "Posting"]
