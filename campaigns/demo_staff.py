"""The demo's staff logins as people: each has a name and an email, as a real account does.

Wagtail's account page requires both, so a demo login without them could not even save its
language (issue 14). Every demo command that creates a login goes through ``demo_staff_named``.
"""

from django.contrib.auth.models import User

# username: (family name, given name), in the demo's language; invented people. Stored as Django
# keeps them (``last_name``, ``first_name``) and shown family name first ("王芳") by
# ``campaigns.person_names``.
DEMO_STAFF_NAMES = {
    "admin": ("周", "管理员"),
    "editor": ("王", "芳"),
    "verifier": ("李", "强"),
    "finance": ("张", "敏"),
    "finance2": ("陈", "静"),
    "fieldofficer": ("盘", "建国"),
    "hospital": ("赵", "医生"),
    "trainer": ("黄", "老师"),
}


def demo_staff_named(user: User) -> User:
    """Give a demo login its name and email where it has none; leaves what someone typed alone."""
    last, first = DEMO_STAFF_NAMES.get(user.username, ("演示", user.username))
    wanted = {"last_name": last, "first_name": first, "email": f"{user.username}@clearfund.example"}
    changed = []
    for field, value in wanted.items():
        if not getattr(user, field):
            setattr(user, field, value)
            changed.append(field)
    if changed:
        user.save(update_fields=changed)
    return user
