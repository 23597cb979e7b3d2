from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, TaskState


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


def _requested_by_id(obj) -> int | None:
    state = getattr(obj, "current_workflow_state", None)
    return state.requested_by_id if state is not None else None


class CampaignReviewTask(AbstractGroupApprovalTask):
    """Four-eyes review: a member of the task's groups (Verifiers) who did not submit the page.

    Approving a campaign page also applies its terms to the Campaign and, for a campaign in
    review, puts it live, through ``cms.services`` and ``campaigns.services`` (which check
    ``check_may_approve`` again): if any of that is refused nothing is approved or published.
    """

    def _may_review(self, obj, user) -> bool:
        if user is None or not user.is_authenticated:
            return False
        if not (user.is_superuser or self._user_in_groups(user)):
            return False
        return _requested_by_id(obj) != user.pk

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

    @transaction.atomic
    def on_action(self, task_state: TaskState, user, action_name, **kwargs):
        from cms.services import page_review_approved, page_review_rejected

        obj = task_state.workflow_state.content_object
        if action_name in ("approve", "reject") and not self._may_review(obj, user):
            raise PermissionDenied(_("Only a verifier who did not submit this page may review it."))
        reviewed = task_state.revision.as_object() if task_state.revision_id else obj
        try:
            if action_name == "approve":
                page_review_approved(
                    page=reviewed, actor=user, submitter=task_state.workflow_state.requested_by
                )
            elif action_name == "reject":
                page_review_rejected(page=reviewed, actor=user, reason=kwargs.get("comment", ""))
        except (ValidationError, PermissionDenied) as error:
            # The services refused (e.g. a locked term changed, a verifier who submitted the
            # campaign): the transaction is rolled back, and the reviewer is told why, in their
            # language.
            reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            if not reason:
                raise
            message = gettext("The page '%(title)s' stays in review: %(reason)s") % {
                "title": obj.get_admin_display_title(),
                "reason": reason,
            }
            raise ReviewRefused(message, page_id=obj.pk) from error
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _("A verifier who is not the submitter approves; campaign terms then take effect")

    class Meta:
        verbose_name = _("campaign review task")
        verbose_name_plural = _("campaign review tasks")
