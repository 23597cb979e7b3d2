"""The public pages of a campaign's giving that read figures and gifts together (the giving page),
and the kept whole responses of those pages and of the CMS campaign page (ADR 0241)."""
