"""Field officers post needs from a phone (vetted by another verifier); partners see their own
cases only (ADR 0308, ADR 0309)."""

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import AuditEvent, Beneficiary, BeneficiaryStatus, Evidence, Need, NeedStatus
from campaigns.money import Money
from campaigns.verification.households import beneficiary_propose, household_find
from campaigns.verification.needs import need_post, need_vet
from campaigns.verification.selectors import public_needs
from tests.builders import partner_member, verified_milestone
from tests.factories import CampaignFactory, PartnerFactory
from tests.verification.factories import RegistryHouseholdFactory, RegistryPersonFactory


@pytest.fixture
def household(db):
    home = RegistryHouseholdFactory(household_id="431129000777")
    grandmother = RegistryPersonFactory(household=home, relation="head", phone="13900007777")
    grandson = RegistryPersonFactory(household=home, relation="grandchild", gender="M")
    return home, grandmother, grandson


def _login(client, user):
    client.force_login(User.objects.get(pk=user.pk))
    return client


def test_a_field_officer_finds_a_household_by_registry_number_or_id_number_without_seeing_restricted_data(
    field_officer, household
):
    home, grandmother, grandson = household
    by_number = household_find(actor=field_officer, registry_number="431129000777")
    by_id = household_find(actor=field_officer, id_number=grandson.id_number)
    assert [m.person_id for m in by_number] == [grandmother.pk, grandson.pk]
    assert by_id == by_number
    shown = repr(by_number)
    for value in (grandmother.name, grandmother.id_number, "13900007777", home.village, home.township):
        assert value not in shown
    assert household_find(actor=field_officer, id_number=RegistryPersonFactory.build().id_number) == []
    with pytest.raises(ValidationError):
        household_find(actor=field_officer, id_number="12345")


def test_an_editor_may_not_search_the_registry(editor, household):
    with pytest.raises(PermissionDenied):
        household_find(actor=editor, registry_number="431129000777")


def test_a_field_officer_posts_a_need_from_the_phone_screen_and_cannot_vet_it(client, field_officer, household,
                                                                             second_verifier):  # fmt: skip
    _home, grandmother, _grandson = household
    campaign = CampaignFactory(status="live")
    c = _login(client, field_officer)
    url = reverse("verification_need_post")
    # find the household by a member's ID number: posted in the body, not shown back
    found = c.post(url, {"find": "1", "id_number": grandmother.id_number})
    assert found.status_code == 200
    html = found.content.decode()
    assert f'value="{grandmother.pk}"' in html
    assert grandmother.id_number not in html and grandmother.name not in html
    # propose her and her need, with a photo and a document
    response = c.post(url, {
        "post": "1", "person": grandmother.pk, "campaign": campaign.pk, "pseudonym": "盘奶奶",
        "title": "A wheelchair", "kind": "mobility", "amount": "800", "description": "She cannot walk to the clinic.",
        "photo": SimpleUploadedFile("need.jpg", b"jpg"), "document": SimpleUploadedFile("record.pdf", b"%PDF"),
    })  # fmt: skip
    need = Need.objects.get()
    assert response.status_code == 302
    assert (need.status, need.posted_by_id, need.amount) == (
        NeedStatus.PROPOSED,
        field_officer.pk,
        Money("800", "CNY"),
    )
    assert need.beneficiary.status == BeneficiaryStatus.MATCHED
    assert Evidence.objects.filter(uploaded_by=field_officer).count() == 2
    assert list(public_needs()) == []
    # the field officer is no verifier: vetting their own need is refused, nothing changes
    with pytest.raises(PermissionDenied):
        need_vet(actor=field_officer, need=need, note="fine")
    review = c.post(reverse("verification_need_review", args=[need.pk]), {"vet": "1", "note": "fine"})
    assert review.status_code == 200
    need.refresh_from_db()
    assert (need.status, need.vetted_by_id) == (NeedStatus.PROPOSED, None)
    assert not AuditEvent.objects.filter(action="need.vetted").exists()
    # another person, a verifier, vets it: the beneficiary is verified and the need is public
    need_vet(actor=second_verifier, need=need, note="Visited the household")
    assert [n.pk for n in public_needs()] == [need.pk]
    assert Beneficiary.objects.get(pk=need.beneficiary_id).status == BeneficiaryStatus.VERIFIED


def test_a_verifier_who_is_also_a_field_officer_cannot_vet_their_own_need(verifier, household):
    from django.contrib.auth.models import Group

    from campaigns.roles import FIELD_OFFICERS

    verifier.groups.add(Group.objects.get(name=FIELD_OFFICERS))
    _home, grandmother, _grandson = household
    beneficiary = beneficiary_propose(actor=verifier, campaign=CampaignFactory(status="live"),
                                      person_id=grandmother.pk, pseudonym="盘奶奶")  # fmt: skip
    need = need_post(actor=verifier, beneficiary=beneficiary, title="Stove", kind="household",
                     amount=Money("300", "CNY"))  # fmt: skip
    with pytest.raises(PermissionDenied):
        need_vet(actor=verifier, need=need, note="mine")
    need.refresh_from_db()
    assert need.status == NeedStatus.PROPOSED


def test_a_partner_sees_and_reports_its_own_cases_and_what_was_released_and_paid(
    client, verifier, finance_officer, verified_beneficiary
):
    from tests.builders import paid_release
    from tests.verification.factories import captured_donation

    hospital = PartnerFactory(name="江华县人民医院")
    captured_donation(verified_beneficiary.campaign, 500_000)
    paid_release(beneficiary=verified_beneficiary, partner=hospital, verifier=verifier,
                 finance_officer=finance_officer)  # fmt: skip
    member = partner_member(hospital)
    html = _login(client, member).get(reverse("partner_cases")).content.decode()
    assert verified_beneficiary.pseudonym in html
    money = html.split('data-testid="partner-money"', 1)[1].split("</p>", 1)[0]
    assert "¥3,000" in money and money.count("¥3,000") == 2  # released and paid


def test_a_partner_paid_in_another_currency_sees_that_money_not_zero(client, verifier, finance_officer):
    from tests.builders import paid_release
    from tests.verification.factories import BeneficiaryFactory, captured_donation

    # given a release paid to a school in Hong Kong dollars (review finding 17)
    beneficiary = BeneficiaryFactory(campaign__currency="HKD", campaign__min_donation_minor=1000)
    school = PartnerFactory(name="Kowloon school")
    captured_donation(beneficiary.campaign, 500_000)
    paid_release(beneficiary=beneficiary, partner=school, verifier=verifier, finance_officer=finance_officer)

    # when the school's member opens its cases
    html = _login(client, partner_member(school)).get(reverse("partner_cases")).content.decode()

    # then the money is shown in that currency, released and paid
    money = html.split('data-testid="partner-money"', 1)[1].split("</p>", 1)[0]
    assert money.count("HK$3,000") == 2
    assert "¥" not in money


def test_a_partner_is_refused_another_partners_case(client, verifier, verified_beneficiary):
    # given a case of one hospital, and a member of another
    mine, theirs = PartnerFactory(name="Our hospital"), PartnerFactory(name="Their hospital")
    from datetime import date

    from campaigns.verification.milestones import milestone_create

    their_case = milestone_create(actor=verifier, beneficiary=verified_beneficiary, kind="surgery_performed",
                                  amount=Money("3000", "CNY"), partner=theirs, due_date=date.today())  # fmt: skip
    member = partner_member(mine, username="our-hospital")
    c = _login(client, member)
    # when they open or post to it, then both are refused (Wagtail answers PermissionDenied with a
    # redirect to the dashboard and "Sorry, you do not have permission") and nothing is stored
    opened = c.get(reverse("partner_case", args=[their_case.pk]))
    assert (opened.status_code, opened["Location"]) == (302, reverse("wagtailadmin_home"))
    assert "Their hospital" not in opened.content.decode()
    response = c.post(reverse("partner_case", args=[their_case.pk]),
                      {"summary": "Invoice", "file": SimpleUploadedFile("invoice.pdf", b"%PDF")})  # fmt: skip
    assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    assert their_case.evidence.count() == 0
    # and their list does not show it
    listing = c.get(reverse("partner_cases")).content.decode()
    assert reverse("partner_case", args=[their_case.pk]) not in listing
    # a user of no partner is refused the partner screens altogether
    assert _login(client, verifier).get(reverse("partner_cases"))["Location"] == reverse("wagtailadmin_home")


def test_a_partner_uploads_evidence_and_reports_then_a_verifier_verifies(
    client, verifier, verified_beneficiary
):
    from datetime import date

    from campaigns.verification.milestones import milestone_create, milestone_verify

    hospital = PartnerFactory()
    case = milestone_create(actor=verifier, beneficiary=verified_beneficiary, kind="surgery_performed",
                            amount=Money("3000", "CNY"), partner=hospital, due_date=date.today())  # fmt: skip
    c = _login(client, partner_member(hospital))
    url = reverse("partner_case", args=[case.pk])
    assert (
        c.post(
            url, {"summary": "Discharge note", "file": SimpleUploadedFile("note.pdf", b"%PDF")}
        ).status_code
        == 302
    )
    assert c.post(url, {"report": "1"}).status_code == 302
    case.refresh_from_db()
    assert case.status == "reported"
    milestone_verify(actor=verifier, milestone=case, note="Called the patient")
    assert case.status == "verified"


def test_verified_milestone_builder_reports_as_the_partner(verifier, verified_beneficiary):
    milestone = verified_milestone(beneficiary=verified_beneficiary, verifier=verifier)
    assert milestone.reported_by_id != verifier.pk
    assert milestone.verified_by_id == verifier.pk


def test_the_needs_partner_confirms_delivery_and_another_partner_is_refused(verifier, second_verifier,
                                                                            verified_beneficiary):  # fmt: skip
    from campaigns.verification.needs import need_fund, need_hold, need_mark_delivered

    shop, other = PartnerFactory(name="Mobility aids shop"), PartnerFactory(name="Another shop")
    need = need_post(actor=verifier, beneficiary=verified_beneficiary, title="A wheelchair", kind="mobility",
                     amount=Money("800", "CNY"), partner=shop)  # fmt: skip
    need = need_vet(actor=second_verifier, need=need, note="Visited")
    need = need_hold(need=need, client="a")
    need_fund(need=need, gift_id=99, hold_token=need.hold_token)
    # another partner may not confirm it: refused, nothing changes
    with pytest.raises(PermissionDenied):
        need_mark_delivered(need=need, actor=partner_member(other, username="another-shop"))
    need.refresh_from_db()
    assert (need.status, need.delivered_by_id) == (NeedStatus.FUNDED, None)
    # its own partner confirms it
    member = partner_member(shop)
    need_mark_delivered(need=need, actor=member)
    assert (need.status, need.delivered_by_id) == (NeedStatus.DELIVERED, member.pk)


def test_a_verifier_cannot_verify_a_beneficiary_they_proposed_themselves(
    verifier, second_verifier, household
):
    # given a verifier who proposed a household member, with the household document they uploaded
    # (what "Post a need" does for a verifier too: review finding 2)
    from campaigns.verification.beneficiaries import beneficiary_verify, evidence_add

    _home, grandmother, _grandson = household
    beneficiary = beneficiary_propose(actor=verifier, campaign=CampaignFactory(status="live"),
                                      person_id=grandmother.pk, pseudonym="盘奶奶")  # fmt: skip
    evidence_add(actor=verifier, beneficiary=beneficiary, file=SimpleUploadedFile("record.pdf", b"%PDF"),
                 summary="Household document", dated=date.today())  # fmt: skip

    # when they sign it off alone, it is refused and nothing changes
    with pytest.raises(PermissionDenied):
        beneficiary_verify(actor=verifier, beneficiary=beneficiary, note="I checked")
    beneficiary.refresh_from_db()
    assert (beneficiary.status, beneficiary.verified_by_id) == (BeneficiaryStatus.MATCHED, None)
    assert beneficiary.proposed_by_id == verifier.pk
    assert not AuditEvent.objects.filter(action="beneficiary.verified").exists()

    # then another verifier may verify them
    beneficiary_verify(actor=second_verifier, beneficiary=beneficiary, note="Visited the household")
    beneficiary.refresh_from_db()
    assert (beneficiary.status, beneficiary.verified_by_id) == (
        BeneficiaryStatus.VERIFIED,
        second_verifier.pk,
    )


def _post_need(c, person, campaign, title, **files):
    return c.post(reverse("verification_need_post"), {
        "post": "1", "person": person.pk, "campaign": campaign.pk, "pseudonym": "盘奶奶", "title": title,
        "kind": "mobility", "amount": "800", "description": "", **files,
    })  # fmt: skip


def test_a_field_officer_posts_a_second_need_for_the_same_person(client, field_officer, household):
    # given a need already posted for the grandmother in this campaign (review finding 9a)
    _home, grandmother, _grandson = household
    campaign = CampaignFactory(status="live")
    c = _login(client, field_officer)
    assert _post_need(c, grandmother, campaign, "A wheelchair").status_code == 302

    # when a second need is posted for her
    response = _post_need(c, grandmother, campaign, "Winter clothes")

    # then it is posted for the same beneficiary
    assert response.status_code == 302
    assert sorted(Need.objects.values_list("title", flat=True)) == ["A wheelchair", "Winter clothes"]
    assert Beneficiary.objects.filter(campaign=campaign).count() == 1
    assert Need.objects.values("beneficiary").distinct().count() == 1


def test_a_need_post_that_fails_half_way_leaves_nothing_and_can_be_retried(
    client, field_officer, household, monkeypatch
):
    # given the photo's storage failing after the beneficiary and the need were written (review finding 9b)
    from campaigns.verification import need_posting

    _home, grandmother, _grandson = household
    campaign = CampaignFactory(status="live")
    c = _login(client, field_officer)
    real_evidence_add = need_posting.evidence_add

    def storage_down(**kwargs):
        raise ValidationError("The file store did not answer.")

    monkeypatch.setattr(need_posting, "evidence_add", storage_down)
    response = _post_need(c, grandmother, campaign, "A wheelchair", photo=SimpleUploadedFile("n.jpg", b"jpg"))

    # then the post is refused and nothing of it stays
    assert response.status_code == 200
    assert not Beneficiary.objects.filter(campaign=campaign).exists()
    assert not Need.objects.exists()

    # and the retry, with the store back, posts it
    monkeypatch.setattr(need_posting, "evidence_add", real_evidence_add)
    retry = _post_need(c, grandmother, campaign, "A wheelchair", photo=SimpleUploadedFile("n.jpg", b"jpg"))
    assert retry.status_code == 302
    assert Need.objects.get().beneficiary.campaign_id == campaign.pk
