"""Sharing a campaign page: link-preview metadata, the progress image, the QR code and the A4
poster (issue 14, ADR 0415). Presentation only: figures come from ``payments.figures``."""
