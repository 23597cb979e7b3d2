"""Check constraints that money records declare again and again, built in one place.

A money record (an offline gift, a pledge pay-in, a match…) refuses in the database an amount
that is not positive and a status, method or channel outside its choices. The names are
``<prefix>_<label>_positive`` and ``<prefix>_<column>_valid``: the names the migrations already
know, so building them here changes no migration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import models
from django.db.models import Q

AMOUNT = {"amount": "amount_minor"}


def money_constraints(
    prefix: str, *, positive: Mapping[str, str] = AMOUNT, choices: Mapping[str, Iterable[str]] | None = None
) -> list[models.CheckConstraint]:
    """One ``CheckConstraint`` per ``positive`` column (label → column, minor units: ``> 0``,
    named ``<prefix>_<label>_positive``), then one per ``choices`` column (column → its allowed
    values, named ``<prefix>_<column>_valid``), in that order."""
    return [
        *(
            models.CheckConstraint(condition=Q(**{f"{column}__gt": 0}), name=f"{prefix}_{label}_positive")
            for label, column in positive.items()
        ),
        *(
            models.CheckConstraint(
                condition=Q(**{f"{column}__in": list(values)}), name=f"{prefix}_{column}_valid"
            )
            for column, values in (choices or {}).items()
        ),
    ]
