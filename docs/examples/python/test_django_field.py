import django
from django.conf import settings

if not settings.configured:
    settings.configure(USE_I18N=True, LANGUAGE_CODE="en")
    django.setup()

from django.utils import translation  # noqa: E402

from django_field import BindForm  # noqa: E402


def test_a_valid_form_cleans_to_e164():
    form = BindForm(data={"phone": "138 0013 8000", "email": "Zhang@QQ.com"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"phone": "+8613800138000", "email": "Zhang@qq.com"}


def test_errors_carry_bindchecks_codes_and_never_the_value():
    form = BindForm(data={"phone": "138 0013 800", "email": "zhang@qq.con"})
    assert not form.is_valid()
    assert form.errors.as_data()["phone"][0].code == "phone.invalid"
    assert form.errors.as_data()["email"][0].code == "email.typo"
    assert "qq.com" in form.errors["email"][0]
    assert "138 0013 800" not in str(form.errors) and "1380013800" not in str(form.errors)


def test_messages_follow_the_active_language():
    with translation.override("zh-hans"):
        form = BindForm(data={"phone": "0351-38272781"})
        assert not form.is_valid()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in form.errors["phone"][0])
