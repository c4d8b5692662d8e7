"""validate_many's Results: a sequence equal to the list of validate's answers, whose
columns say what those dicts say, and whose repr shows no value."""

import pickle
from collections.abc import Sequence

import pytest

import bindcheck
from test_leaks import VALUES, assert_hidden
from test_many import FIELDS, OPTIONS, ROWS, one_by_one

RESULTS = bindcheck.validate_many(ROWS, **OPTIONS)
WANT = one_by_one(ROWS, **OPTIONS)


def test_a_sequence_equal_to_the_list_of_answers():
    assert isinstance(RESULTS, bindcheck.Results)
    assert isinstance(RESULTS, Sequence)
    assert len(RESULTS) == len(WANT)
    assert RESULTS == WANT and WANT == RESULTS
    assert not (RESULTS != WANT)
    assert list(RESULTS) == WANT
    assert [RESULTS[i] for i in range(len(RESULTS))] == WANT
    assert list(reversed(RESULTS)) == WANT[::-1]
    assert next(reversed(RESULTS[2:5])) == WANT[4]
    assert RESULTS[0] in RESULTS
    assert RESULTS.count(WANT[0]) == WANT.count(WANT[0])
    assert RESULTS.index(WANT[5]) == WANT.index(WANT[5])


def test_not_equal_to_other_answers_or_other_types():
    assert RESULTS != WANT[:-1]
    assert RESULTS != WANT[1:] + WANT[:1]
    assert RESULTS != tuple(WANT)  # as a list is not equal to a tuple
    assert RESULTS != "not a list"
    changed = [dict(a) for a in WANT]
    changed[3] = dict(changed[3], ok=not changed[3]["ok"])
    assert RESULTS != changed
    assert RESULTS == bindcheck.validate_many(ROWS, **OPTIONS)
    assert RESULTS != bindcheck.validate_many(ROWS, **OPTIONS, lang="zh")


def test_items_are_new_dicts_each_time():
    first = RESULTS[0]
    first["ok"] = "changed"
    assert RESULTS[0] == WANT[0]


def test_negative_indexes_and_out_of_range():
    assert RESULTS[-1] == WANT[-1]
    assert RESULTS[-len(WANT)] == WANT[0]
    for bad in [len(WANT), -len(WANT) - 1, 10**30]:
        with pytest.raises(IndexError):
            RESULTS[bad]
    with pytest.raises(TypeError):
        RESULTS["ok"]
    with pytest.raises(IndexError):
        bindcheck.validate_many([])[0]


@pytest.mark.parametrize(
    "s",
    [slice(None), slice(3, 17), slice(-5, None), slice(None, None, 3), slice(None, None, -1),
     slice(40, 2, -7), slice(5, 5), slice(10**9, None), slice(-(10**9), 4)],
)
def test_slices_are_results_equal_to_the_lists_slices(s):
    part = RESULTS[s]
    assert isinstance(part, bindcheck.Results)
    assert part == WANT[s]
    assert len(part) == len(WANT[s])
    assert part.ok == [a["ok"] for a in WANT[s]]
    assert part[::2] == WANT[s][::2]
    if WANT[s]:
        assert part[-1] == WANT[s][-1]


def test_columns_say_what_the_dicts_say():
    assert RESULTS.ok == [a["ok"] for a in WANT]
    for field in FIELDS:
        views = [a["fields"].get(field) for a in WANT]
        assert RESULTS.valid(field) == [v["valid"] if v else None for v in views]
        assert RESULTS.normalized(field) == [v["normalized"] if v else None for v in views]
        assert RESULTS.codes(field) == [[f["code"] for f in v["findings"]] if v else [] for v in views]
    assert RESULTS.codes() == [[f["code"] for v in a["fields"].values() for f in v["findings"]] for a in WANT]
    assert any(v is None for v in RESULTS.valid("card")) and any(RESULTS.valid("card"))


def test_an_unknown_column_is_named_and_a_value_is_not():
    with pytest.raises(ValueError, match="'phnoe' is not a field"):
        RESULTS.valid("phnoe")
    with pytest.raises(ValueError) as info:
        RESULTS.normalized(VALUES["phone"])
    assert_hidden(str(info.value))


def test_the_repr_counts_and_never_shows_a_value():
    results = bindcheck.validate_many([VALUES, {"phone": "123"}, VALUES], today="2026-11-26", unmasked=True)
    assert repr(results) == "<bindcheck.Results: 3 rows, 2 ok>"
    assert_hidden(repr(results))
    assert_hidden(repr(results[1:]))
    assert_hidden(str(results))


def test_pickled_as_the_list_of_answers():
    assert pickle.loads(pickle.dumps(RESULTS[:20])) == WANT[:20]
    assert type(pickle.loads(pickle.dumps(RESULTS[:2]))) is list


def test_results_are_unhashable_like_a_list():
    with pytest.raises(TypeError):
        hash(RESULTS)
