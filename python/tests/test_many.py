"""validate_many agrees with validate, row by row, whatever shape the rows come in."""

import math

import pytest

import bindcheck
from conftest import load_cases, python_options

FIELDS = ["phone", "email", "card", "expiry", "cvv", "id_number", "name"]
SINGLE = {
    "validatePhone": "phone",
    "validateEmail": "email",
    "validateCard": "card",
    "validateExpiry": "expiry",
    "validateCvv": "cvv",
    "validateIdNumber": "id_number",
    "validateName": "name",
}


def rows():
    """A row per case input without options, and every form of the cases, mixed."""
    cases = load_cases()
    singles = [(SINGLE[c["fn"]], c["args"][0]) for c in cases if c["fn"] in SINGLE and not c["args"][1]]
    forms = [c["args"][0] for c in cases if c["fn"] == "validate"]
    out = []
    for i, (field, value) in enumerate(singles):
        row = {field: value}
        # Some rows carry a second field, so cards meet security codes.
        other_field, other = singles[(i * 7) % len(singles)]
        if other_field != field:
            row[other_field] = other
        out.append(row)
    return out + forms


ROWS = rows()
OPTIONS = {"today": "2026-11-26"}


def one_by_one(rows, **options):
    return [bindcheck.validate(**row, **options) for row in rows]


def as_columns(rows):
    return {f: [row.get(f) for row in rows] for f in FIELDS}


def test_rows_agree_with_one_call_each():
    assert len(ROWS) > 200
    assert bindcheck.validate_many(ROWS, **OPTIONS) == one_by_one(ROWS, **OPTIONS)


def test_options_apply_to_every_row():
    options = dict(OPTIONS, lang="zh", unmasked=True, allowed_brands=["unionpay"], region="HK")
    assert bindcheck.validate_many(ROWS, **options) == one_by_one(ROWS, **options)


def test_columns_agree_with_rows():
    assert bindcheck.validate_many(as_columns(ROWS), **OPTIONS) == one_by_one(ROWS, **OPTIONS)


def test_columns_may_be_tuples_or_iterables_and_missing_values_are_absent():
    answers = bindcheck.validate_many({"phone": ("13800138000", None, math.nan), "email": iter(["a@qq.com", "b@qq.com", None])})
    assert answers == [
        bindcheck.validate(phone="13800138000", email="a@qq.com"),
        bindcheck.validate(email="b@qq.com"),
        bindcheck.validate(),
    ]


def test_no_rows_no_answers():
    assert bindcheck.validate_many([]) == []
    assert bindcheck.validate_many({}) == []


def test_columns_of_different_lengths_are_an_error():
    with pytest.raises(ValueError, match="differ in length"):
        bindcheck.validate_many({"phone": ["13800138000"], "email": []})


def test_an_unknown_column_is_named():
    with pytest.raises(ValueError, match="'phnoe' is not a field"):
        bindcheck.validate_many([{"phnoe": "13800138000"}])


def test_pandas_dataframes_and_series():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(as_columns(ROWS))
    want = one_by_one(ROWS, **OPTIONS)
    assert bindcheck.validate_many(frame, **OPTIONS) == want
    assert bindcheck.validate_many({"phone": frame["phone"]}, **OPTIONS) == one_by_one(
        [{"phone": r.get("phone")} for r in ROWS], **OPTIONS
    )
    typed = frame.astype("string")  # missing values are pandas.NA
    assert bindcheck.validate_many(typed, **OPTIONS) == want


def test_arrow_tables_and_arrays():
    pa = pytest.importorskip("pyarrow")
    table = pa.table(as_columns(ROWS))
    want = one_by_one(ROWS, **OPTIONS)
    assert bindcheck.validate_many(table, **OPTIONS) == want
    assert bindcheck.validate_many({"card": table.column("card")}, **OPTIONS) == one_by_one(
        [{"card": r.get("card")} for r in ROWS], **OPTIONS
    )


def test_a_region_key_is_the_rows_own_region():
    numbers = ["2123 4567", "13800138000", "+852 2123 4567", "020 7946 0018"]
    rows = [
        {"phone": numbers[0], "region": "HK"},
        {"phone": numbers[1], "region": None},  # the call's region
        {"phone": numbers[2], "region": "none"},  # the international form only
        {"phone": numbers[3], "region": "gb"},  # any case, as a batch file's column
    ]
    want = [
        bindcheck.validate(phone=numbers[0], region="HK"),
        bindcheck.validate(phone=numbers[1], region="CN"),
        bindcheck.validate(phone=numbers[2], region=None),
        bindcheck.validate(phone=numbers[3], region="GB"),
    ]
    assert bindcheck.validate_many(rows, region="CN") == want
    assert bindcheck.validate_many({k: [r[k] for r in rows] for k in ("phone", "region")}, region="CN") == want
    assert bindcheck.validate_many(rows, require_mobile=False).valid("phone") == [True] * 4
    # Without its region the Hong Kong number is read as a mainland one, and is not valid.
    assert bindcheck.validate_many([{"phone": numbers[0]}], require_mobile=False).valid("phone") == [False]


def test_an_unknown_region_names_its_row_and_not_its_value():
    rows = [{"phone": "13800138000", "region": "CN"}] * 3 + [{"phone": "13800138000", "region": "13800138000"}]
    with pytest.raises(bindcheck.OptionError, match="row 3, `region`: not a region") as info:
        bindcheck.validate_many(rows)
    assert "13800138000" not in str(info.value)


def test_tables_of_many_chunks_agree_row_by_row():
    # More rows than one chunk holds (1,024), so that rows are read while others are checked.
    many = ROWS * (3000 // len(ROWS) + 1)
    want = one_by_one(ROWS, **OPTIONS) * (3000 // len(ROWS) + 1)
    answers = bindcheck.validate_many(many, **OPTIONS)
    assert len(answers) == len(many) > 2048
    assert answers == want
    assert bindcheck.validate_many(as_columns(many), **OPTIONS) == want
    for s in [slice(1000, 1100), slice(None, None, 1023), slice(-1, -3000, -997), slice(2040, 2060, 3)]:
        assert answers[s] == want[s]
        assert answers[s].ok == [a["ok"] for a in want[s]]
    assert answers.valid("phone") == [a["fields"]["phone"]["valid"] if "phone" in a["fields"] else None for a in want]


def test_a_bad_row_far_down_is_named_and_nothing_is_returned():
    rows = [{"phone": "13800138000"}] * 2500 + [{"phone": 13800138000}] + [{"phone": "13800138000"}] * 10
    with pytest.raises(TypeError, match="row 2500, `phone`: expected a str or None, not int"):
        bindcheck.validate_many(rows)
    with pytest.raises(TypeError, match="row 2500, `phone`"):
        bindcheck.validate_many({"phone": [r["phone"] for r in rows]})
