"""Pages of donor mail: one-click unsubscribe (RFC 8058) and the donor's mail preferences.

Thin: the signed token names the donor, the services change the choice. Both pages go through
``keep_private`` (ADR 0215): their URLs are credentials, kept out of other sites' logs, while the
browser still sends its real ``Origin`` with the page's own form, as Django's CSRF check needs.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from payments.donations.donor_links import donor_from_token, keep_private
from payments.notifications.forms import MailPreferencesForm
from payments.notifications.links import donor_from_unsubscribe_token
from payments.notifications.selectors import mail_preferences
from payments.notifications.services import mail_preferences_set, mail_unsubscribe


# A mail client's one-click POST (RFC 8058) carries no CSRF token and no cookie: the signed token
# in the URL is the whole credential, and all it can do is stop mail.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def mail_unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with one button (link scanners that fetch every URL in a mail must not
    unsubscribe anyone); POST (the button, or the mail client's ``List-Unsubscribe=One-Click``):
    done."""
    donor = donor_from_unsubscribe_token(token)
    if donor is None:
        raise Http404
    done = request.method == "POST"
    if done:
        mail_unsubscribe(donor=donor)
    return keep_private(
        render(request, "payments/notifications/unsubscribe.html", {"token": token, "done": done})
    )


@require_http_methods(["GET", "POST"])
def mail_preferences_view(request: HttpRequest, token: str) -> HttpResponse:
    donor = donor_from_token(token)
    if donor is None:
        raise Http404
    preferences = mail_preferences(donor=donor)
    form = MailPreferencesForm(request.POST or None, instance=preferences)
    if request.method == "POST" and form.is_valid():
        mail_preferences_set(donor=donor, wanted=form.cleaned_data)
        messages.success(request, _("Your mail preferences are saved."))
        return redirect("payments:mail_preferences", token=token)
    return keep_private(
        render(request, "payments/notifications/preferences.html", {"form": form, "token": token})
    )
