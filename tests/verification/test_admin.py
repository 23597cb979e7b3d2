"""Admin screens: restricted data only for roles that need it; actions go through the services."""

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import BeneficiaryStatus
from campaigns.roles import EDITORS
from payments.models import ReleaseStatus
from tests.builders import verified_milestone
from tests.verification.factories import BeneficiaryFactory, RegistryPersonFactory, captured_donation


def _admin_user(client, user):
    # Wagtail admin access needs the wagtailadmin.access_admin permission; staff groups get it from cms.
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(User.objects.get(pk=user.pk))
    return client


def test_registry_record_shows_restricted_fields_to_verifiers_only(client, verifier, editor):
    person = RegistryPersonFactory(phone="13900001111")
    url = reverse("registry:inspect", args=[person.pk])
    body = _admin_user(client, verifier).get(url).content.decode()
    assert person.id_number in body and "13900001111" in body
    # an editor (no registry permission) cannot open it at all
    editor.groups.add(Group.objects.get(name=EDITORS))
    response = _admin_user(client, editor).get(url)
    assert response.status_code in (302, 403)
    assert person.id_number not in response.content.decode()


def test_a_user_who_may_view_records_but_not_restricted_data_does_not_see_it(client, db):
    from django.contrib.auth.models import Permission

    clerk = User.objects.create_user("clerk", password="x", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_registryperson"))
    person = RegistryPersonFactory(phone="13900002222")
    body = _admin_user(client, clerk).get(reverse("registry:inspect", args=[person.pk])).content.decode()
    assert person.name not in body
    assert person.id_number not in body and "13900002222" not in body


def test_verifier_matches_and_verifies_through_the_admin_screen(client, verifier):
    person = RegistryPersonFactory()
    beneficiary = BeneficiaryFactory(status="proposed", registry_person=None, verified_at=None)
    url = reverse("verification_beneficiary_verify", args=[beneficiary.pk])
    c = _admin_user(client, verifier)
    c.post(
        url,
        {
            "id_number": person.id_number,
            "summary": "Consent form",
            "dated": "2026-11-01",
            "file": SimpleUploadedFile("consent.pdf", b"%PDF"),
            "note": "checked 户口本",
            "verify": "1",
        },
    )
    beneficiary.refresh_from_db()
    assert beneficiary.status == BeneficiaryStatus.VERIFIED
    assert beneficiary.registry_person == person
    assert person.id_number not in url


def test_the_proposer_is_refused_on_the_verify_screen_and_their_upload_is_not_kept(client, verifier):
    # given a matched beneficiary this verifier proposed (review finding 2)
    from campaigns.models import Evidence

    beneficiary = BeneficiaryFactory(
        status="matched", proposed_by=verifier, verified_by=None, verified_at=None
    )
    url = reverse("verification_beneficiary_verify", args=[beneficiary.pk])

    # when they attach a file and sign off on the screen
    response = _admin_user(client, verifier).post(url, {
        "summary": "Consent form", "dated": "2026-11-01", "file": SimpleUploadedFile("consent.pdf", b"%PDF"),
        "note": "checked", "verify": "1",
    })  # fmt: skip

    # then the screen says why, and nothing changed: not verified, no file kept
    assert response.status_code == 200
    assert "另一位核查员" in response.content.decode()
    beneficiary.refresh_from_db()
    assert beneficiary.status == BeneficiaryStatus.MATCHED
    assert not Evidence.objects.filter(beneficiary=beneficiary).exists()


def test_release_screen_enforces_four_eyes(client, verifier, finance_officer):
    beneficiary = BeneficiaryFactory(verified_by=verifier)
    captured_donation(beneficiary.campaign, 300_000)
    release = verified_milestone(beneficiary=beneficiary, verifier=verifier).release
    url = reverse("release_detail", args=[release.pk])
    # the verifier is not a finance officer: no access
    assert _admin_user(client, verifier).post(url, {"approve": "1"}).status_code in (302, 403)
    release.refresh_from_db()
    assert release.status == ReleaseStatus.REQUESTED
    # a finance officer approves
    _admin_user(client, finance_officer).post(url, {"approve": "1"})
    release.refresh_from_db()
    assert release.status == ReleaseStatus.APPROVED


def test_admin_listings_render(client, finance_officer, verifier):
    beneficiary = BeneficiaryFactory(verified_by=verifier)
    verified_milestone(beneficiary=beneficiary, verifier=verifier)
    c = _admin_user(client, User.objects.create_superuser("root", password="x"))
    for name in [
        "beneficiaries",
        "outcomes",
        "needs",
        "registry",
        "registry_imports",
        "audit_log",
        "releases",
        "reconciliation_runs",
        "unmatched",
    ]:
        assert c.get(reverse(f"{name}:index")).status_code == 200, name


def test_admin_create_forms_go_through_the_services(client, verifier, editor):
    from campaigns.models import AuditEvent, Milestone, Need
    from tests.factories import CampaignFactory, PartnerFactory

    campaign = CampaignFactory(status="live")
    c = _admin_user(client, verifier)
    c.post(reverse("beneficiaries:add"), {"campaign": campaign.pk, "pseudonym": "王奶奶", "story": ""})
    assert AuditEvent.objects.filter(action="beneficiary.proposed").count() == 1
    # a milestone for an unverified beneficiary is refused on the form, nothing saved
    proposed = campaign.beneficiaries.get()
    partner = PartnerFactory()
    form = {
        "beneficiary": proposed.pk,
        "kind": "surgery_performed",
        "title": "",
        "amount": "3000",  # yuan, as a verifier types it
        "currency": "CNY",
        "partner": partner.pk,
        "due_date": "2026-12-31",
    }
    response = c.post(reverse("outcomes:add"), form)
    assert response.status_code == 200 and not Milestone.objects.exists()
    verified = BeneficiaryFactory(campaign=campaign, verified_by=verifier)
    c.post(reverse("outcomes:add"), {**form, "beneficiary": verified.pk})
    assert Milestone.objects.get().beneficiary == verified
    assert Milestone.objects.get().amount_minor == 300_000
    assert AuditEvent.objects.filter(action="milestone.planned").count() == 1
    c.post(
        reverse("needs:add"),
        {
            "beneficiary": verified.pk,
            "title": "轮椅",
            "kind": "mobility",
            "amount": "900.00",
            "currency": "CNY",
        },
    )
    assert Need.objects.get().province == "湖南省"
    assert Need.objects.get().amount_minor == 90_000
    # milestones cannot be edited in the generic form (amounts change only by a new milestone)
    milestone = Milestone.objects.get()
    assert c.get(reverse("outcomes:edit", args=[milestone.pk])).status_code in (302, 403)


def test_an_amount_finer_than_a_fen_is_refused_on_the_form(client, verifier):
    from campaigns.models import Need

    c = _admin_user(client, verifier)
    beneficiary = BeneficiaryFactory(verified_by=verifier)

    response = c.post(
        reverse("needs:add"),
        {
            "beneficiary": beneficiary.pk,
            "title": "轮椅",
            "kind": "mobility",
            "amount": "900.005",
            "currency": "CNY",
        },
    )

    assert response.status_code == 200
    assert not Need.objects.exists()


def test_chinese_admin_lists_name_their_columns_in_chinese(client, verifier):
    from django.utils import translation

    beneficiary = BeneficiaryFactory(verified_by=verifier)
    verified_milestone(beneficiary=beneficiary, verifier=verifier)
    c = _admin_user(client, User.objects.create_superuser("root", password="x"))
    for name in ("releases", "beneficiaries"):
        with translation.override("zh-hans"):
            html = c.get(reverse(f"{name}:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
        assert "项目" in head and "Campaign" not in head, name
        if name == "releases":
            assert "合作机构" in head and "Partner" not in head
