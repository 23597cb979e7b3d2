"""The admin account page's profile picture upload, in Chromium: our translated file button, the
chosen file's name shown beside it, no console error and no request to another host (issue 13,
ADR 0417)."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.browser.steps import sign_in_to_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_the_profile_picture_is_chosen_with_the_translated_button(live_server, new_page, tmp_path):
    User.objects.create_superuser("root", password="root-password")
    page = new_page({"width": 1280, "height": 900}, is_mobile=False, has_touch=False, locale="zh-CN")
    errors, other_hosts = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    server = urlsplit(live_server.url).netloc
    page.on("request", lambda request: other_hosts.append(request.url)
            if urlsplit(request.url).netloc not in (server, "") else None)  # fmt: skip
    picture = tmp_path / "头像.png"
    picture.write_bytes(PNG)

    # given a staff member signed in, on their account page
    sign_in_to_admin(page, live_server.url, "root", "root-password")
    page.goto(live_server.url + "/admin/account/")

    # when they choose a picture with the button
    button = page.locator("label.choose-file__button[for=id_avatar-avatar]")
    expect(button).to_have_text("选择文件")
    expect(page.locator("[data-choose-file-name]")).to_have_text("未选择文件")
    page.set_input_files("#id_avatar-avatar", str(picture))

    # then the file's name is shown beside it, and nothing failed or went elsewhere
    expect(page.locator("[data-choose-file-name]")).to_have_text("头像.png")
    assert errors == []
    assert other_hosts == []
