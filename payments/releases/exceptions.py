from django.core.exceptions import ValidationError


class ReleaseNotAllowed(ValidationError):
    """The release cannot move as asked (wrong state, notice period running, objection open)."""
