"""``{{ sentence|one_full_stop }}``: no doubled stop after a name that ends in one (``campaigns.full_stop``)."""

from django import template

from campaigns.full_stop import one_full_stop as _one_full_stop

register = template.Library()


@register.filter(is_safe=True)
def one_full_stop(value: object) -> str:
    """The sentence rendered by ``{% blocktranslate … asvar sentence %}``, one stop at its end.
    Safe in, safe out: only a "." or "。" is removed."""
    return _one_full_stop(str(value))
