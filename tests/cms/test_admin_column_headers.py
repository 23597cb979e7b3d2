"""Every admin list's column headers and filters are capitalised in English ("County", never
"county"), as Wagtail capitalises the columns it labels itself (issue 13)."""

import pytest
from django.utils import translation
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.model import ModelViewSet

from campaigns.admin_names import reader_column
from campaigns.models import Beneficiary


def _labels():
    for viewset in viewsets.viewsets:
        if not isinstance(viewset, ModelViewSet):
            continue
        list_display = viewset.list_display if isinstance(viewset.list_display, list | tuple) else ()
        for column in list_display:
            if isinstance(column, Column):
                yield viewset.name, column.name, column.label
        filterset = getattr(viewset, "filterset_class", None)
        filterset = filterset if isinstance(filterset, type) else None
        for name, flt in filterset.base_filters.items() if filterset else ():
            yield viewset.name, f"filter {name}", flt.label


@pytest.mark.django_db
def test_a_reader_column_is_labelled_capitalised():
    with translation.override("en"):
        assert str(reader_column(Beneficiary, "county").label) == "County"


@pytest.mark.django_db
def test_no_admin_list_header_starts_with_a_small_letter_in_english(client, django_user_model):
    # given the admin's viewsets, registered when the admin's URLs load
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    assert client.get("/admin/").status_code == 200

    # when each list's own column labels and filter labels are read in English
    with translation.override("en"):
        labels = [(vs, name, str(label)) for vs, name, label in _labels() if label]

    # then none starts with a small letter
    assert len(labels) > 20
    assert [row for row in labels if row[2][0].islower()] == []
