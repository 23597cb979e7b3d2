"""System check: a report task is never handed to a second worker while the first still runs it.

Redis gives an unacknowledged task to another worker once the broker's visibility timeout has
passed since delivery. Tasks are acknowledged late, and a worker also holds a task unacknowledged
while it waits for its countdown (retries wait up to 10 min), so each hard time limit must stay
well below the timeout: here, at most half of it.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register()
def time_limits_below_visibility_timeout(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    limits = {
        "CELERY_TASK_TIME_LIMIT": settings.CELERY_TASK_TIME_LIMIT,
        "REPORTS_TASK_TIME_LIMIT": settings.REPORTS_TASK_TIME_LIMIT,
    }
    return [
        checks.Warning(
            f"{name} ({limit} s) is more than half the broker's visibility timeout ({timeout} s): "
            "a slow task can be handed to a second worker while the first still runs it.",
            hint="Raise CLEARFUND_BROKER_VISIBILITY_TIMEOUT or lower the time limit.",
            id="reports.W001",
        )
        for name, limit in limits.items()
        if limit * 2 > timeout
    ]
