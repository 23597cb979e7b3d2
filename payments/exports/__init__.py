"""Finance exports: gifts, refunds, releases, payouts and reconciliation items of a date range, as
CSV (streamed) or XLSX (openpyxl write-only), for finance officers. ADR 0411."""
