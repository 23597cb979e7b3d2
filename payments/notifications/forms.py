from django import forms

from payments.notifications.models import MailPreferences


class MailPreferencesForm(forms.ModelForm):
    """Which kinds of mail a donor wants; saved by ``mail_preferences_set`` (not ``save``)."""

    class Meta:
        model = MailPreferences
        fields = list(MailPreferences.KINDS)
