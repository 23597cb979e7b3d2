"""Demo content: staff accounts, partners, the three flagship campaigns in Chinese and English.

Idempotent: what exists is left alone, so a second run changes nothing. Pages are published the
way editors publish them: an editor submits, a different verifier approves (workflow task), which
puts the campaigns live through ``campaigns.services`` and leaves a real audit trail.
"""

from __future__ import annotations

import json
from io import BytesIO

from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.models import Locale, Page, Site

from campaigns.compliance import uscc_is_valid
from campaigns.demo_staff import demo_staff_named
from campaigns.models import Partner
from campaigns.roles import EDITORS, FINANCE_OFFICERS, VERIFIERS
from cms import demo_content as content
from cms.models import (
    CampaignIndexPage,
    CampaignPage,
    CampaignUpdatePage,
    HomePage,
    RoleModelStoryPage,
    ShowcasePage,
    SiteSettings,
    StandardPage,
)
from cms.services import campaign_english_texts_follow, campaign_page_ensure_record

DEMO_PASSWORD = "clearfund-demo"  # noqa: S105 - demo accounts only, printed by the demo launcher
STAFF = [("editor", EDITORS), ("verifier", VERIFIERS), ("finance", FINANCE_OFFICERS)]


def stream(blocks) -> str:
    return json.dumps([{"type": kind, "value": value} for kind, value in blocks])


class Command(BaseCommand):
    help = "Create the demo staff, partners and the three flagship campaigns (zh-hans + en). Idempotent."

    def handle(self, *args, **options):
        with transaction.atomic():
            self.created = 0
            self.editor, self.verifier = self.staff()
            self.zh = Locale.get_default()
            self.en, _ = Locale.objects.get_or_create(language_code="en")
            self.partners = self.partner_records()
            home = self.home_page()
            self.site_settings(home)
            index = self.child(home, CampaignIndexPage, "campaigns", content.INDEX, show_in_menus=True)
            for spec in content.CAMPAIGNS:
                self.campaign(index, spec)
            about = content.ABOUT
            self.child(home, StandardPage, about["slug"], self.localized(about, "body"), show_in_menus=True)
            self.showcase(home)
            story = content.ROLE_MODEL
            fields = self.localized(story, "body")
            for lang in ("zh", "en"):
                fields[lang]["partner"] = self.partners[story["partner"]]
            self.child(home, RoleModelStoryPage, story["slug"], fields, consent_recorded=True)
        self.stdout.write(self.style.SUCCESS(f"demo_campaigns: {self.created} objects created"))

    # --- records ------------------------------------------------------------------------------
    def staff(self) -> tuple[User, User]:
        users = {}
        for username, role in STAFF:
            user, created = User.objects.get_or_create(
                username=username, defaults={"is_staff": True, "email": f"{username}@clearfund.example"}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                user.groups.add(Group.objects.get(name=role))
                self.created += 1
            demo_staff_named(user)
            users[username] = User.objects.get(pk=user.pk)  # fresh permission cache
        return users["editor"], users["verifier"]

    def partner_records(self) -> dict[str, Partner]:
        partners = {}
        for spec in content.PARTNERS:
            fields = {k: v for k, v in spec.items() if k != "key"}
            partner, created = Partner.objects.get_or_create(name=fields.pop("name"), defaults=fields)
            self.created += created
            missing = {k: v for k, v in fields.items() if k.endswith("_en") and not getattr(partner, k)}
            if missing:  # a demo made before the English texts existed gets them (ADR 0403)
                Partner.objects.filter(pk=partner.pk).update(**missing)
            partners[spec["key"]] = partner
        return partners

    def placeholder_image(self, title: str, colour: tuple[int, int, int]) -> Image:
        existing = Image.objects.filter(title=title).first()
        if existing:
            return existing
        from PIL import Image as PILImage
        from PIL import ImageDraw

        canvas = PILImage.new("RGB", (1280, 720), colour)
        draw = ImageDraw.Draw(canvas)
        light = tuple(min(255, c + 90) for c in colour)
        draw.ellipse((820, 180, 1180, 540), fill=light)
        draw.rectangle((0, 600, 1280, 720), fill=tuple(max(0, c - 40) for c in colour))
        buffer = BytesIO()
        canvas.save(buffer, "PNG", optimize=True)
        self.created += 1
        return Image.objects.create(title=title, file=ImageFile(buffer, name=f"{title}.png"))

    def site_settings(self, home: HomePage) -> None:
        site = Site.objects.get(is_default_site=True)
        settings = SiteSettings.for_site(site)
        if not settings.organisation_address:
            for name, value in content.SITE_SETTINGS.items():
                setattr(settings, name, value)
            settings.save()
            self.created += 1
        else:  # a demo made before these settings existed gets them (ADR 0403, 0413)
            missing = [name for name in ("organisation_address_en", "fundraising_qualification",
                                                "fundraising_qualification_en")
                       if not getattr(settings, name)]  # fmt: skip
            if not uscc_is_valid(settings.registration_number):
                missing.append("registration_number")
            if settings.fundraising_qualification == "HNMZ-GM-2025-001 (demo)":  # English on Chinese pages
                missing.append("fundraising_qualification")
            for name in missing:
                setattr(settings, name, content.SITE_SETTINGS[name])
            if missing:
                settings.save(update_fields=missing)

    # --- pages --------------------------------------------------------------------------------
    def publish(self, page: Page) -> None:
        """Editor submits, verifier approves: the same path as the admin."""
        page.save_revision(user=self.editor)
        workflow = page.get_workflow()
        if workflow is None:
            page.get_latest_revision().publish(user=self.editor)
            return
        state = workflow.start(page, self.editor)
        task_state = state.current_task_state
        task_state.task.specific.on_action(task_state, self.verifier, "approve")
        self.created += 1

    def home_page(self) -> HomePage:
        site = Site.objects.get(is_default_site=True)
        root = Page.get_first_root_node()
        home = HomePage.objects.filter(locale=self.zh).first()
        if home is None:
            home = HomePage(slug="clearfund", locale=self.zh, **content.HOME["zh"])
            root.add_child(instance=home)
            self.publish(home)
        if site.root_page_id != home.pk:
            site.root_page = home
            site.save()
        self.remove_welcome_pages(root)
        if home.get_translation_or_none(self.en) is None:
            english = home.copy_for_translation(self.en)
            for name, value in content.HOME["en"].items():
                setattr(english, name, value)
            english.save()
            self.publish(english)
        return home

    def remove_welcome_pages(self, root: Page) -> None:
        """Wagtail's own "Welcome to your new Wagtail site!" page (made by its migrations as a
        plain ``Page`` under the root), and any copy of it in another language: no demo page is a
        plain ``Page``, so such a leaf under the root is the welcome page. On every run, so a demo
        whose first load stopped between making the home page and removing it is put right
        (issue 13). A plain page with pages under it, or a site's root, is someone's: kept."""
        site_roots = Site.objects.values_list("root_page_id", flat=True)
        plain = ContentType.objects.get_for_model(Page)
        for page in Page.objects.child_of(root).filter(content_type=plain).exclude(pk__in=site_roots):
            if not page.get_children().exists():
                page.delete()

    @staticmethod
    def localized(spec: dict, *stream_fields: str) -> dict:
        fields = {"zh": dict(spec["zh"]), "en": dict(spec["en"])}
        for lang in fields:
            for name in stream_fields:
                fields[lang][name] = stream(fields[lang][name])
        return fields

    def child(self, parent: Page, model, slug: str, fields: dict, **common):
        page = model.objects.child_of(parent).filter(slug=slug).first()
        if page is None:
            page = model(slug=slug, locale=self.zh, **fields["zh"], **common)
            parent.add_child(instance=page)
            self.publish(page)
        if page.get_translation_or_none(self.en) is None:
            english = page.copy_for_translation(self.en)
            for name, value in fields["en"].items():
                setattr(english, name, value)
            english.save()
            self.publish(english)
        return page

    def campaign(self, index: CampaignIndexPage, spec: dict) -> CampaignPage:
        page = CampaignPage.objects.child_of(index).filter(slug=spec["slug"]).first()
        if page is None:
            zh = spec["zh"]
            page = CampaignPage(
                slug=spec["slug"], locale=self.zh, title=zh["title"], intro=zh["intro"], unit_label=zh["unit_label"],
                story=stream(zh["story"]), kind=spec["kind"], region=spec["region"]["zh"],
                currency=spec["currency"], goal=spec["goal"], unit_cost=spec["unit_cost"],
                deadline=timezone.localdate() + spec["deadline_in"], funding_model=spec["funding_model"],
                hero_image=self.placeholder_image(spec["slug"], spec["colour"]), show_in_menus=False,
                fundraising_filing_number=spec["filing_number"], designated_platform=content.DEMO_PLATFORM["zh"],
                designated_platform_en=content.DEMO_PLATFORM["en"],
                designated_platform_url=content.DEMO_PLATFORM["url"] + spec["slug"],
            )  # fmt: skip
            index.add_child(instance=page)
            page.partners.set([self.partners[key] for key in spec["partners"]])
            page.save()
            campaign_page_ensure_record(page=page, actor=self.editor)
            self.publish(page)
            page.refresh_from_db()
        if page.get_translation_or_none(self.en) is None:
            en = spec["en"]
            english = page.copy_for_translation(self.en)
            english.title, english.intro, english.unit_label = en["title"], en["intro"], en["unit_label"]
            english.story, english.region = stream(en["story"]), spec["region"]["en"]
            english.save()
            self.publish(english)
        elif page.campaign_id and not page.campaign.title_en:  # a demo made before ADR 0403
            english = page.get_translation(self.en)
            campaign_english_texts_follow(page=english.specific, campaign=page.campaign, actor=self.editor)
        if "update" in spec["zh"]:
            fields = {lang: dict(spec[lang]["update"]) for lang in ("zh", "en")}
            for lang in fields:
                fields[lang]["body"] = stream(fields[lang]["body"])
                fields[lang]["date"] = timezone.localdate()
            self.child(page, CampaignUpdatePage, "first-surgeries", fields)
        return page

    def showcase(self, home: HomePage) -> ShowcasePage:
        cataract = CampaignPage.objects.filter(locale=self.zh, slug="cataract-surgery").first()
        return self.child(
            home, ShowcasePage, content.SHOWCASE["slug"], self.localized(content.SHOWCASE, "body"),
            programme=cataract.campaign if cataract else None, show_in_menus=True,
        )  # fmt: skip
