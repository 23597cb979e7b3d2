"""Public pages of supporters' pages and teams (一起捐): views over ``payments.supporters`` (ADR 0234)."""
