"""Form labels in the reader's language: the colon after a label is the language's own (issue 13)."""

from django import forms
from django.utils.translation import pgettext

from campaigns.choose_file import ChooseFileInput

# A label already ending with one of these takes no colon after it ("有什么问题？", not "有什么问题？：").
# Django skips its suffix only after the ASCII ones.
ENDS_A_LABEL = ("？", "：", "！", "。", "?", ":", "!", ".")


class LabelledForm(forms.Form):
    """A form whose labels end with the active language's colon ("Amount:", "金额："). Django's own
    label suffix is ":" in its Chinese catalogue too; ours is a separate, translated message. An
    explicit ``label_suffix`` argument still wins. A file field gets ``ChooseFileInput`` (its
    attributes kept): a button in the page's language, not the browser's "Choose File"."""

    def __init__(self, *args, **kwargs) -> None:
        if kwargs.get("label_suffix") is None:
            # Translators: written after a form field's label; use your language's colon.
            kwargs["label_suffix"] = pgettext("form label suffix", ":")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.label_suffix is None and str(field.label or "").endswith(ENDS_A_LABEL):
                field.label_suffix = ""
            if isinstance(field.widget, forms.FileInput) and not isinstance(field.widget, ChooseFileInput):
                widget = ChooseFileInput(attrs=field.widget.attrs)
                widget.is_required = field.widget.is_required
                field.widget = widget


class DatePickerInput(forms.DateInput):
    """The browser's date picker (``<input type="date">``). Its value must be ``yyyy-mm-dd``
    whatever the language: the Chinese date format ("2026/12/02") is refused by the browser, which
    then shows an empty field (issue 13)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
