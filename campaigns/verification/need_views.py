"""Admin screens of the needs board, phone first: a field officer posts a need for a registered
household; a verifier vets it; the partner or field officer confirms delivery; a verifier checks
the delivery's evidence. Thin: every action is a service call (which checks the role and audits).

The household is found by registry number or ID number posted in the form body (never in a URL);
the ID number is matched by keyed hash and never shown back (``household_find``).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.amount_input import MAX_INPUT_LENGTH, AmountNotUnderstood, parse_amount
from campaigns.form_labels import LabelledForm
from campaigns.models import Campaign, CampaignStatus, Need, NeedKind, NeedStatus, Partner
from campaigns.reader_language import reader_str
from campaigns.verification.beneficiaries import evidence_add
from campaigns.verification.households import household_find
from campaigns.verification.need_posting import need_post_for_household
from campaigns.verification.needs import need_mark_delivered, need_reject, need_verify, need_vet
from campaigns.verification.permissions import is_field_officer, is_verifier, partner_of


class HouseholdFindForm(LabelledForm):
    registry_number = forms.CharField(
        label=gettext_lazy("Household registry number"), max_length=32, required=False
    )
    # Longer than 18: people type spaces or dashes between digit groups.
    id_number = forms.CharField(label=gettext_lazy("Or a member's ID number"), max_length=40, required=False,
                                widget=forms.PasswordInput(render_value=False))  # fmt: skip


class NeedPostForm(LabelledForm):
    person = forms.IntegerField(widget=forms.HiddenInput)
    campaign = forms.ModelChoiceField(label=gettext_lazy("Campaign"), queryset=Campaign.objects.none())
    pseudonym = forms.CharField(label=gettext_lazy("Pseudonym (the public name)"), max_length=50)
    title = forms.CharField(label=gettext_lazy("What is needed"), max_length=200)
    title_en = forms.CharField(label=gettext_lazy("What is needed (English)"), max_length=200, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=NeedKind.choices)
    amount = forms.CharField(label=gettext_lazy("Cost (yuan)"), max_length=MAX_INPUT_LENGTH)
    description = forms.CharField(label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=gettext_lazy("No names, ID numbers, addresses or phones."))  # fmt: skip
    description_en = forms.CharField(label=gettext_lazy("Description (English)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    partner = forms.ModelChoiceField(label=gettext_lazy("Partner who delivers (optional)"),
                                     queryset=Partner.objects.all(), required=False)  # fmt: skip
    photo = forms.FileField(label=gettext_lazy("Photo of the need"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))  # fmt: skip
    document = forms.FileField(
        label=gettext_lazy("Document (household record, consent form)"), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.filter(status=CampaignStatus.LIVE).order_by(
            "title"
        )

    def clean_amount(self):
        try:
            amount = parse_amount(self.cleaned_data["amount"], currency="CNY")
        except AmountNotUnderstood as error:
            raise error.as_validation_error() from None
        if amount.amount <= 0:
            raise ValidationError(_("The amount must be more than zero."))
        return amount


def field_need_post_view(request: HttpRequest) -> HttpResponse:
    """Step 1: find the household; step 2: propose a member and their need, with a photo and a
    document. The need then waits for a verifier who is not the poster."""
    if not (is_field_officer(request.user) or is_verifier(request.user)):
        raise PermissionDenied
    find = HouseholdFindForm(request.POST if "find" in request.POST else None)
    post = NeedPostForm(request.POST if "post" in request.POST else None, request.FILES or None)
    members = []
    if request.method == "POST" and "find" in request.POST and find.is_valid():
        try:
            members = household_find(actor=request.user, **find.cleaned_data)
        except ValidationError as error:
            find.add_error(None, error)
        else:
            if not members:
                find.add_error(None, _("No registered household was found."))
    if request.method == "POST" and "post" in request.POST and post.is_valid():
        data = post.cleaned_data
        try:
            need = need_post_for_household(
                actor=request.user, campaign=data["campaign"], person_id=data["person"],
                pseudonym=data["pseudonym"], title=data["title"], kind=data["kind"], amount=data["amount"],
                description=data["description"], partner=data["partner"],
                english={"title": data["title_en"], "description": data["description_en"]},
                document=data["document"], photo=data["photo"],
            )  # fmt: skip
        except ValidationError as error:
            post.add_error(None, error)
        except PermissionDenied as refused:  # e.g. a document for a beneficiary already verified
            post.add_error(None, str(refused))
        else:
            messages.success(request, _("Posted. A verifier will vet it before it is public."))
            return redirect("verification_need_review", pk=need.pk)
    mine = (
        Need.objects.filter(posted_by=request.user).select_related("beneficiary").order_by("-posted_at")[:20]
    )
    return render(request, "campaigns/admin/field_need_post.html", {
        "page_title": _("Post a need"), "header_icon": "pick", "find": find, "post": post, "members": members,
        "mine": mine,
    })  # fmt: skip


class NeedReviewForm(LabelledForm):
    note = forms.CharField(
        label=gettext_lazy("Note or reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = forms.FileField(label=gettext_lazy("Evidence file (photo or PDF)"), required=False)
    summary = forms.CharField(label=gettext_lazy("Public summary of the evidence"), max_length=200, required=False,
                              help_text=gettext_lazy("No names, ID numbers or addresses."))  # fmt: skip


def may_see_need(user, need: Need) -> bool:
    partner = partner_of(user)
    return (
        is_verifier(user) or is_field_officer(user) or (partner is not None and need.partner_id == partner.pk)
    )


def need_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One need for staff: vet or reject it (a verifier who is not the poster), confirm delivery
    (its partner, a field officer or a verifier), add evidence, verify the delivery (a verifier who
    neither confirmed it nor uploaded its evidence)."""
    need = get_object_or_404(
        Need.objects.select_related("beneficiary__campaign", "partner", "posted_by"), pk=pk
    )
    if not may_see_need(request.user, need):
        raise PermissionDenied
    form = NeedReviewForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["file"] and "verify" in request.POST:
                # Who uploads the delivery's evidence may not verify it (four eyes): one post
                # doing both would only bar the verifier (review finding 10).
                raise ValidationError(
                    _("Upload the evidence of the delivery on its own; another verifier then verifies it.")
                )
            # The upload and the action stand or fall together: a refused action keeps no file.
            with transaction.atomic():
                if data["file"]:
                    evidence_add(actor=request.user, need=need, file=data["file"], dated=timezone.localdate(),
                                 summary=data["summary"] or data["file"].name)  # fmt: skip
                if "vet" in request.POST:
                    need_vet(actor=request.user, need=need, note=data["note"])
                elif "reject" in request.POST:
                    need_reject(actor=request.user, need=need, reason=data["note"])
                elif "deliver" in request.POST:
                    need_mark_delivered(actor=request.user, need=need)
                elif "verify" in request.POST:
                    need_verify(actor=request.user, need=need, note=data["note"])
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        else:
            return redirect("verification_need_review", pk=need.pk)
    return render(request, "campaigns/admin/need_review.html", {
        "page_title": _("Need"), "page_subtitle": reader_str(need, "title"), "header_icon": "pick", "need": need, "form": form,
        "evidence": need.evidence.order_by("-dated"), "is_poster": need.posted_by_id == request.user.pk,
        "S": NeedStatus, "may_vet": is_verifier(request.user) and need.posted_by_id != request.user.pk,
    })  # fmt: skip
