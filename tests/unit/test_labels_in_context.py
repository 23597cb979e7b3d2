"""One English word, several Chinese ones: "Active" is a monthly gift's status, a webhook
subscription's switch and Wagtail's users-list column; each reads its own (issue 13)."""

from django.utils import translation
from django.utils.translation import gettext

from integrations.forms import SubscriptionEditForm
from payments.donations.models import MonthlyPlanStatus


def test_active_reads_by_its_context_in_chinese():
    with translation.override("zh-hans"):
        assert str(MonthlyPlanStatus.ACTIVE.label) == "进行中"
        assert str(SubscriptionEditForm.base_fields["is_active"].label) == "启用"
        # the bare word is Wagtail's (a user account that is active), not a monthly gift's status
        assert gettext("Active") not in ("进行中", "启用")
