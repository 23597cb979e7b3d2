"""What happens when the publication workflow is approved (``WAGTAIL_FINISH_WORKFLOW_ACTION``)."""


def publish_after_review(workflow_state, user=None) -> None:
    """Publish the approved revision, as the approving verifier.

    Verifiers hold no standing "publish" permission on pages (it would also let them publish and
    unpublish outside review); the review task has already checked that ``user`` may approve, so
    the publish step does not ask for it again.
    """
    # The revision the last task approved (with re-approval on edit, always the latest one):
    # exactly what the reviewer saw, never an edit saved after it.
    revision = workflow_state.current_task_state.revision
    revision.publish(user=user, skip_permission_checks=True)
