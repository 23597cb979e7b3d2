"""Every help block in an admin template carries Wagtail's icon (issue 13: a refusal banner on the
release screen had an empty icon slot: Wagtail's help-critical, help-warning and help-info leave
room for an icon and draw none themselves)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(
    r'<(?:div|section) class="[^"]*help-block help-(?:critical|warning|info)"[^>]*>(.{0,80})', re.S
)


def _templates():
    for folder in ("campaigns", "cms", "payments", "integrations", "reports", "templates"):
        yield from (ROOT / folder).rglob("*.html")


def test_every_admin_help_block_starts_with_an_icon():
    blocks = [(path, match.group(1)) for path in _templates() for match in BLOCK.finditer(path.read_text())]

    assert len(blocks) >= 10
    missing = [str(path.relative_to(ROOT)) for path, start in blocks if "{% icon" not in start]
    assert missing == []
