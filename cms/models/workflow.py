from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, TaskState


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
        except ValidationError as error:
            # The services refused the terms (e.g. a finished campaign): nothing is approved. The
            # admin answers PermissionDenied with a message instead of a server error.
            raise PermissionDenied(" ".join(error.messages)) from error
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _("A verifier who is not the submitter approves; campaign terms then take effect")

    class Meta:
        verbose_name = _("campaign review task")
        verbose_name_plural = _("campaign review tasks")
