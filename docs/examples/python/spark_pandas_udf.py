"""Checking a Spark table's phone column with a pandas UDF: each Arrow batch is one
``validate_many`` call on the executor.

Run with BINDCHECK_SPARK=1 .ci/python (it installs pyspark; needs Java 17)."""

import bindcheck
import pandas as pd
from pyspark.sql.functions import pandas_udf


@pandas_udf("string")
def phone_codes(phones: pd.Series) -> pd.Series:
    """The codes of each number's findings, joined by spaces ("" for a clean number)."""
    answers = bindcheck.validate_many({"phone": phones})
    return pd.Series([" ".join(codes) for codes in answers.codes("phone")])
