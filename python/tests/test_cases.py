"""The package answers as the native library does, on the WebAssembly tests' cases
(fixtures/wasm/cases.json, written by tests/it/wasm_cases.rs from the Rust library)."""

import datetime
import inspect

import pytest

import bindcheck
from conftest import FUNCTIONS, load_cases, python_options

CASES = load_cases()
# A field's keys in the order `bindcheck validate --format json` writes them.
FIELD_KEYS = [
    "valid", "possible", "potentially_valid", "normalized", "region", "number_type", "carrier",
    "luhn", "brand", "co_brands", "candidates", "issuer", "domain_unicode", "suggestion", "findings",
]


def call(case):
    func = getattr(bindcheck, FUNCTIONS[case["fn"]])
    value, options = case["args"][0], python_options(case["args"][1])
    if case["fn"] == "validate":
        return func(**value, **options)
    return func(value, **options)


def test_the_cases_cover_every_function_and_both_languages():
    assert {c["fn"] for c in CASES} == set(FUNCTIONS)
    assert len(CASES) > 500
    assert sum(1 for c in CASES if c["args"][1].get("lang") == "zh-CN") * 2 == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f'{c["fn"]}:{c["args"][0]!r:.40}')
def test_answers_equal_the_native_json(case):
    got = call(case)
    assert got == case["want"]
    # The keys in the JSON output's order too (the cases file has them sorted): a program
    # that prints an answer as JSON writes them as the command line does.
    for view in got["fields"].values() if case["fn"] == "validate" else [got]:
        assert list(view) == sorted(view, key=FIELD_KEYS.index)


OPTION_NAMES = [
    "region", "allowed_regions", "require_mobile", "virtual_operator", "phone_ranges",
    "allow_quoted_local", "allow_ip_literal", "allowed_brands", "bin_table", "allowed_kinds",
    "unionpay_luhn", "brand", "today", "lang", "unmasked",
]


@pytest.mark.parametrize("name", OPTION_NAMES)
def test_each_keyword_is_read_as_its_own_option(name):
    # An int is the wrong type for every option: the error names the option the keyword
    # was read as, which must be the keyword itself, in every function.
    calls = [
        lambda **o: bindcheck.validate_phone("13800138000", **o),
        lambda **o: bindcheck.validate_card("4111111111111111", **o),
        lambda **o: bindcheck.validate_expiry("12/29", **o),
    ]
    if name != "brand":  # a form's security code is judged by its card's brand
        calls += [lambda **o: bindcheck.validate(phone="13800138000", **o), lambda **o: bindcheck.validate_many([{}], **o)]
    for call in calls:
        with pytest.raises(TypeError, match=f"option `{name}` must be"):
            call(**{name: 12345})
    assert list(inspect.signature(bindcheck.validate_phone).parameters)[1:] == OPTION_NAMES + ["rest"]


def test_today_may_be_a_date_and_lang_zh_is_chinese():
    by_str = bindcheck.validate_expiry("12/26", today="2027-01-01", lang="zh")
    by_date = bindcheck.validate_expiry("12/26", today=datetime.date(2027, 1, 1), lang="zh-CN")
    assert by_str == by_date
    assert not by_str["valid"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in by_str["findings"][0]["message"])


def test_without_today_the_clock_decides():
    assert bindcheck.validate_expiry("01/2000")["valid"] is False
    assert bindcheck.validate_expiry("12/2030")["valid"] is True


def test_bad_options_raise_option_error_a_value_error():
    for bad in [
        dict(region="XX"),
        dict(allowed_regions=["CN", "ZZ"]),
        dict(lang="fr"),
        dict(today="2026-02-30"),
        dict(virtual_operator="sometimes"),
    ]:
        with pytest.raises(bindcheck.OptionError):
            bindcheck.validate_phone("13800138000", **bad)
    with pytest.raises(ValueError, match="bin_table"):
        bindcheck.validate_card("4111111111111111", bin_table="622202,ICBC,gift")
    with pytest.raises(ValueError, match="unionpay_luhn"):
        bindcheck.validate(card="4111111111111111", unionpay_luhn="strict")
    with pytest.raises(bindcheck.OptionError):
        bindcheck.validate_cvv("123", brand="visa card")


def test_arguments_of_the_wrong_type_raise_type_error():
    with pytest.raises(TypeError, match="unexpected keyword argument 'defaultRegion'"):
        bindcheck.validate_phone("13800138000", defaultRegion="CN")
    with pytest.raises(TypeError, match="`unmasked` must be a bool"):
        bindcheck.validate_email("a@qq.com", unmasked=1)
    with pytest.raises(TypeError, match="list of str"):
        bindcheck.validate_phone("13800138000", allowed_regions="CN")
    with pytest.raises(TypeError):
        bindcheck.validate_phone(13800138000)
    with pytest.raises(TypeError, match="brand"):
        bindcheck.validate(cvv="123", brand="visa")
    with pytest.raises(TypeError):
        bindcheck.validate(phone=13800138000)


def test_the_package_is_typed():
    import importlib.resources

    files = importlib.resources.files("bindcheck")
    assert files.joinpath("py.typed").is_file()
    assert files.joinpath("__init__.pyi").is_file()
    assert bindcheck.__version__


def test_options_kept_from_call_to_call_are_told_apart():
    # Options are resolved once per set and kept: a set that differs in any value, in a
    # list's items or in a value's type must not be taken for one seen before.
    number = "2123 4567"
    assert bindcheck.validate_phone(number, region="HK", require_mobile=False)["valid"]
    assert not bindcheck.validate_phone(number, region="CN", require_mobile=False)["valid"]
    assert bindcheck.validate_phone(number, region="HK", require_mobile=False)["valid"]
    mobile = "+852 5123 4567"
    assert bindcheck.validate_phone(mobile, allowed_regions=["HK"])["valid"]
    assert not bindcheck.validate_phone(mobile, allowed_regions=["CN"])["valid"]
    assert not bindcheck.validate_phone(mobile, allowed_regions=("CN", "MO"))["valid"]
    assert bindcheck.validate_phone(mobile, allowed_regions=("CN", "HK"))["valid"]
    assert bindcheck.validate_email("a@qq.com", unmasked=True)["normalized"] == "a@qq.com"
    assert bindcheck.validate_email("a@qq.com", unmasked=False)["normalized"] != "a@qq.com"
    with pytest.raises(TypeError):
        bindcheck.validate_email("a@qq.com", unmasked=1)
    for lang in ["en", "zh", "en"]:
        message = bindcheck.validate_email("a@qq.con", lang=lang)["findings"][0]["message"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message) == (lang == "zh")
