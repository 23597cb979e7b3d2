"""Tells a verifier what came of a review action: why it was refused, instead of Wagtail's generic
error, or that the page was approved (and published); says everything around an admin view in
the staff member's admin language (``AdminLanguageMiddleware``)."""

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from wagtail.admin import messages
from wagtail.admin.modal_workflow import render_modal_workflow
from wagtail.admin.utils import get_valid_next_url_from_request

from cms.models.workflow import ReviewRefused


def _is_review_action_from_the_editor(request) -> bool:
    if request.method != "POST":
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name == "wagtailadmin_pages:edit" and "action-workflow-action" in request.POST


def _approval_from_the_dashboard(request) -> int | None:
    """The task state approved by this request, when it is an "approve" posted to Wagtail's
    workflow action view (the dashboard's 批准 button and its dialog), else ``None``."""
    if request.method != "POST":
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if (
        match.view_name != "wagtailadmin_pages:workflow_action"
        or match.kwargs.get("action_name") != "approve"
    ):
        return None
    return int(match.kwargs["task_state_id"])


class ReviewRefusedMiddleware:
    """Answers a ``ReviewRefused`` raised by ``CampaignReviewTask.on_action`` with its message.

    Wagtail 8 calls ``on_action`` without the request, turns a ``PermissionDenied`` from it into
    "Sorry, you do not have permission to access this area." and runs no admin hook around it. So
    the task raises its own exception, which passes through Wagtail's views to here. The reviewer
    goes back where they came from (the dashboard's ``next``), else to the page, still in review.

    The refused action itself wrote nothing (``on_action`` is one transaction), but the page edit
    view saves the form before it performs a workflow action: such a request runs in one
    transaction here, rolled back when the action is refused.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        approved = _approval_from_the_dashboard(request)
        if approved is not None:
            response = self.get_response(request)
            if not getattr(request, "review_refused", False):
                _tell_approved(request, task_state_id=approved)
            return response
        if not _is_review_action_from_the_editor(request):
            return self.get_response(request)
        with transaction.atomic():
            response = self.get_response(request)
            if getattr(request, "review_refused", False):
                transaction.set_rollback(True)  # the edit view's save before the refused action
            return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Opening the edit view of a page in review that the verifier may no longer review
        (they changed it): Wagtail answers "no permission" without a reason; say why (issue 12)."""
        match = getattr(request, "resolver_match", None)
        if request.method != "GET" or match is None or match.view_name != "wagtailadmin_pages:edit":
            return None
        if not request.user.is_authenticated:
            return None
        from wagtail.models import Page

        from cms.services import review_refusal_reason

        page = Page.objects.filter(pk=view_kwargs.get("page_id")).first()
        if page is None or page.permissions_for_user(request.user).can_edit():
            return None
        reason = review_refusal_reason(page=page.specific, actor=request.user)
        if not reason:
            return None
        messages.error(request, reason)
        return redirect(get_valid_next_url_from_request(request) or reverse("wagtailadmin_home"))

    def process_exception(self, request, exception):
        if not isinstance(exception, ReviewRefused):
            return None
        request.review_refused = True
        messages.error(request, exception.message)
        url = get_valid_next_url_from_request(request) or reverse(
            "wagtailadmin_pages:edit", args=[exception.page_id]
        )
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # The dashboard's action dialog: "success" is the step that makes it follow "redirect"
            # (its only other step re-renders the form), and the page it opens shows the message.
            return render_modal_workflow(
                request, "", None, {}, json_data={"step": "success", "redirect": url}
            )
        return redirect(url)


def _tell_approved(request, *, task_state_id: int) -> None:
    """Wagtail's workflow action view approves without a word and sends the reviewer back to the
    dashboard: say which page was approved, and whether it is now live (issue 13), with the
    message the edit view's approval gives (``cms.wagtail_hooks.land_reviewers_where_they_may_be``).
    Nothing is said when the task was not approved (a form error re-shown in the dialog)."""
    from wagtail.models import TaskState

    from cms.services import approval_message

    state = TaskState.objects.select_related("workflow_state").filter(pk=task_state_id).first()
    if state is None or state.status != TaskState.STATUS_APPROVED:
        return
    page = state.workflow_state.content_object
    messages.success(request, approval_message(page=page.specific))


class AdminLanguageMiddleware:
    """An admin request speaks the staff member's admin language from its start (issue 13).

    Wagtail switches to the language a staff member chose on their account page only inside an
    admin view (``get_localized_response``). What is said around the view was said in the site's
    language (zh-hans): its refusal ("Sorry, you do not have permission to access this area.",
    built after the view raised ``PermissionDenied``), "You do not have permission to access the
    admin." and the review refusals this module adds before a view runs, so an English-speaking
    staff member read them in Chinese. This activates their language first; a staff member who
    chose none keeps the language of the request, as Wagtail does."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = _admin_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def _admin_language(request) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    if not request.path_info.startswith(reverse("wagtailadmin_home")):
        return ""
    try:  # the profile Wagtail's view reads next, fetched once for both
        profile = user.wagtail_userprofile
    except ObjectDoesNotExist:
        return ""
    return profile.preferred_language or ""
