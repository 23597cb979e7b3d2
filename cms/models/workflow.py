from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, Page, TaskState


class ReviewRefused(Exception):
    """The campaign services refused a review action: nothing was approved, applied or published,
    and the page stays in review.

    Not a ``PermissionDenied`` on purpose: Wagtail's admin answers those with its generic "you do
    not have permission" message, and ``on_action`` has no request to add a better one. The admin
    shows ``message`` instead (``cms.middleware.ReviewRefusedMiddleware``)."""

    def __init__(self, message: str, *, page_id: int):
        super().__init__(message)
        self.message = message
        self.page_id = page_id


class CampaignReviewTask(AbstractGroupApprovalTask):
    """Four-eyes review: a member of the task's groups (Verifiers) who neither sent the page for
    review nor changed it since it was last published (``cms.services.check_may_approve_page``,
    ADR 0103). Such a person is offered no action, cannot lock or edit the page in review, and an
    approval or rejection from them is refused, whichever admin view sends it.

    The Campaign follows every outcome: entering review (``start``: submitted, resubmitted,
    restarted) submits it; rejecting sends it back to draft; publishing the approved revision (now
    or at its scheduled go-live, ``cms.receivers``) applies its terms and puts it live; a cancelled
    review takes it back to draft (``cms.receivers``). If the services refuse, nothing is approved
    or published and the reviewer is told why (``ReviewRefused``).
    """

    def _in_review_groups(self, user) -> bool:
        if user is None or not user.is_authenticated:
            return False
        return user.is_superuser or self._user_in_groups(user)

    def _may_review(self, obj, user) -> bool:
        from cms.services import check_may_approve_page

        if not self._in_review_groups(user):
            return False
        try:
            check_may_approve_page(page=obj, actor=user)
        except PermissionDenied:
            return False
        return True

    def user_can_access_editor(self, obj, user):
        return self._may_review(obj, user)

    def locked_for_user(self, obj, user):
        return not self._may_review(obj, user)

    def user_can_lock(self, obj, user):
        return self._may_review(obj, user)

    def get_actions(self, obj, user):
        if not self._may_review(obj, user):
            return []
        return super().get_actions(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        return states.exclude(workflow_state__requested_by=user)

    def start(self, workflow_state, user=None):
        """Entering review (first submission, resubmission after changes were asked for, or a
        restart): a draft Campaign goes to review, sent by the person who (re)submitted."""
        from cms.services import page_review_submitted

        task_state = super().start(workflow_state, user=user)
        obj = workflow_state.content_object
        if isinstance(obj, Page):
            sender = user if user is not None and user.has_perm("campaigns.submit_campaign") else None
            page_review_submitted(page=obj.specific, actor=sender or workflow_state.requested_by)
        return task_state

    @transaction.atomic
    def on_action(self, task_state: TaskState, user, action_name, **kwargs):
        from cms.services import check_may_approve_page, page_review_rejected

        obj = task_state.workflow_state.content_object.specific
        if action_name in ("approve", "reject") and not self._in_review_groups(user):
            raise PermissionDenied(_("Only a verifier who did not submit this page may review it."))
        try:
            if action_name in ("approve", "reject"):
                # The page as it is now: an edit saved with this very action counts.
                check_may_approve_page(page=type(obj).objects.get(pk=obj.pk), actor=user)
            if action_name == "reject":
                reviewed = task_state.revision.as_object() if task_state.revision_id else obj
                page_review_rejected(page=reviewed, actor=user, reason=kwargs.get("comment", ""))
            # Approving publishes the approved revision (``WAGTAIL_FINISH_WORKFLOW_ACTION``), and
            # publishing it is what applies it to the Campaign (``cms.services.page_published``).
            return super().on_action(task_state, user, action_name, **kwargs)
        except (ValidationError, PermissionDenied) as error:
            # Refused by the rules (four eyes, a locked term changed, a finished campaign): the
            # transaction is rolled back, and the reviewer is told why, in their language.
            reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            if not reason:
                raise
            message = gettext("The page '%(title)s' stays in review: %(reason)s") % {
                "title": obj.get_admin_display_title(),
                "reason": reason,
            }
            raise ReviewRefused(message, page_id=obj.pk) from error

    @classmethod
    def get_description(cls):
        return _("A verifier who did not submit or change the page approves; campaign terms then take effect")

    class Meta:
        verbose_name = _("campaign review task")
        verbose_name_plural = _("campaign review tasks")
