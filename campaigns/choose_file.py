"""A file input that speaks the page's language (issue 13).

The browser draws a file input's button and its "no file chosen" text in the browser's own language
("Choose File" on a Chinese page). ``ChooseFileInput`` keeps the real input (keyboard focus, the
form's label, the screen reader's "file upload" role, the browser's file picker) but hides it
visually; a label styled as a button says "选择文件" / "Choose file" and a live text next to it
names the chosen file (``static/js/choose-file.js``). Without JavaScript the button still opens
the picker; only the file's name is not shown.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ChooseFileInput(forms.ClearableFileInput):
    template_name = "campaigns/widgets/choose_file.html"
    button_text = _("Choose file")
    no_file_text = _("No file chosen")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["button_text"] = self.button_text
        context["widget"]["no_file_text"] = self.no_file_text
        return context
