"""A Django form field for a bind form's phone number, checked by bindcheck.

The field cleans to the number in E.164 form (``+8613800138000``), which stays on the server;
an invalid number is a ValidationError with bindcheck's message and finding code, in the
request's language (``zh`` for Chinese), and never repeats what was typed.
"""

import bindcheck
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation


def _lang():
    return "zh" if (translation.get_language() or "en").startswith("zh") else "en"


def check(kind, value, **options):
    """Raises ValidationError for bindcheck's errors; returns the answer otherwise."""
    answer = getattr(bindcheck, f"validate_{kind}")(value, lang=_lang(), **options)
    errors = [f for f in answer["findings"] if f["severity"] == "error"]
    if errors:
        raise ValidationError([ValidationError(f["message"], code=f["code"]) for f in errors])
    return answer


class PhoneField(forms.CharField):
    """A mobile number that can receive SMS codes; national numbers are read as ``region``'s."""

    def __init__(self, *, region="CN", **kwargs):
        self.region = region
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        return check("phone", value, region=self.region, unmasked=True)["normalized"]


class EmailField(forms.CharField):
    """An email address; a likely typo (``qq.con``) is an error with the suggestion as hint."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        answer = check("email", value, unmasked=True)
        typo = next((f for f in answer["findings"] if f["code"] == "email.typo"), None)
        if typo:
            raise ValidationError(typo["message"], code=typo["code"])
        return answer["normalized"]


class BindForm(forms.Form):
    phone = PhoneField()
    email = EmailField(required=False)
