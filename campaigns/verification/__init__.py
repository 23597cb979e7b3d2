"""Verification of beneficiaries and outcomes: services (writes) and selectors (reads).

``beneficiaries`` and ``milestones`` and ``needs`` hold the services, ``funding`` the unit queue,
``selectors`` the reads (including ``campaign_accepts_donations``), ``signals`` the events that
``payments`` listens to (a verified milestone creates a release request there).
"""
