"""An index for cms.routing, which finds a page by its url_path on every page view.

Wagtail does not index ``wagtailcore_page.url_path``; without one each lookup scans the page
table. A hash index serves the equality lookup and has no length limit on the key.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cms", "0002_staff_permissions_and_review_workflow")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS cms_wagtailcore_page_url_path ON wagtailcore_page USING hash (url_path)",
            reverse_sql="DROP INDEX IF EXISTS cms_wagtailcore_page_url_path",
        )
    ]
