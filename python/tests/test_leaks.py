"""No exception text or repr, and no masked answer, shows a full personal value."""

import pytest

import bindcheck

VALUES = {
    "phone": "13800138000",
    "email": "zhang.wei@qq.com",
    "card": "6222021234567890128",
    "cvv": "739",
    "id_number": "11010519491231002X",
    "name": "欧阳娜娜",
    "expiry": "12/29",
}
SINGLE = {
    "phone": bindcheck.validate_phone,
    "email": bindcheck.validate_email,
    "card": bindcheck.validate_card,
    "cvv": bindcheck.validate_cvv,
    "id_number": bindcheck.validate_id_number,
    "name": bindcheck.validate_name,
}


def shows(text, value):
    # The digits or letters of the value in a row, with or without separators.
    squeezed = "".join(ch for ch in text if ch.isalnum() or ch == "@")
    return value in text or value in squeezed


def assert_hidden(text):
    for field, value in VALUES.items():
        if field == "expiry":
            continue  # an expiry date is shown in full everywhere, as on the card
        assert not shows(text, value), f"{field} shown in {text!r}"


@pytest.mark.parametrize("field", sorted(SINGLE))
def test_answers_are_masked_by_default(field):
    answer = SINGLE[field](VALUES[field], today="2026-11-26")
    assert_hidden(repr(answer))
    full = SINGLE[field](VALUES[field], today="2026-11-26", unmasked=True)
    assert full["normalized"].replace(" ", "") in (VALUES[field], "+86" + VALUES[field])


def test_a_form_and_many_forms_are_masked():
    assert_hidden(repr(bindcheck.validate(**VALUES, today="2026-11-26")))
    assert_hidden(repr(bindcheck.validate_many([VALUES] * 3, today="2026-11-26")))
    assert_hidden(repr(bindcheck.validate_many({k: [v] for k, v in VALUES.items()})))


def errors():
    """Every kind of usage error, each given personal values where a mistake could put them."""
    v = VALUES
    yield lambda: bindcheck.validate_phone(v["phone"], region=v["phone"])
    yield lambda: bindcheck.validate_phone(v["phone"], allowed_regions=[v["phone"]])
    yield lambda: bindcheck.validate_phone(v["phone"], lang=v["name"])
    yield lambda: bindcheck.validate_card(v["card"], allowed_brands=[v["card"]])
    yield lambda: bindcheck.validate_card(v["card"], allowed_kinds=[v["card"]])
    yield lambda: bindcheck.validate_card(v["card"], unionpay_luhn=v["card"])
    yield lambda: bindcheck.validate_cvv(v["cvv"], brand=v["card"])
    yield lambda: bindcheck.validate_email(v["email"], today=v["id_number"])
    yield lambda: bindcheck.validate_email(v["email"], unmasked=v["email"])
    yield lambda: bindcheck.validate_email(v["email"], **{v["email"]: True})
    yield lambda: bindcheck.validate_phone(v["phone"], **{v["phone"]: True})
    yield lambda: bindcheck.validate_phone(int(v["phone"]))
    yield lambda: bindcheck.validate(phone=int(v["phone"]), card=v["card"])
    yield lambda: bindcheck.validate_many([{"card": int(v["card"])}])
    yield lambda: bindcheck.validate_many([{v["phone"]: v["card"]}])
    yield lambda: bindcheck.validate_many([{"phone": v["phone"], "region": v["phone"]}])
    yield lambda: bindcheck.validate_many({"phone": [v["phone"]], "region": [v["card"]]})
    yield lambda: bindcheck.validate_many({v["email"]: [v["card"]]})
    yield lambda: bindcheck.validate_many({"card": [v["card"]], "phone": []})
    yield lambda: bindcheck.validate_many([v["card"]])
    yield lambda: bindcheck.validate_many(v["card"])


@pytest.mark.parametrize("make_error", list(errors()))
def test_no_error_repeats_a_value(make_error):
    with pytest.raises((TypeError, ValueError)) as info:
        make_error()
    assert_hidden(str(info.value))
    assert_hidden(repr(info.value))
