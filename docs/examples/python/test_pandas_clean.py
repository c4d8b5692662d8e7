import pandas as pd

from pandas_clean import clean


def test_a_table_gets_its_answers_as_columns():
    users = pd.DataFrame(
        {
            "user_id": [1, 2, 3],
            "phone": ["138 0013 8000", "138 0013 800", None],
            "email": ["zhang@qq.com", "li@gmial.com", "wang@163.com"],
        }
    )
    out = clean(users)
    assert out["ok"].tolist() == [True, False, True]
    assert out["phone_masked"].tolist()[:2] == ["+86138****8000", "+86138****800"]
    assert pd.isna(out["phone_masked"][2])
    assert out["codes"].tolist() == ["", "phone.invalid email.typo", ""]
    assert out["user_id"].tolist() == [1, 2, 3]
