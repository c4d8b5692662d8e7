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
