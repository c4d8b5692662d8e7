import os

import pytest

if os.environ.get("BINDCHECK_SPARK") != "1":
    pytest.skip("PySpark runs only with BINDCHECK_SPARK=1 (docs/python.md)", allow_module_level=True)

from pyspark.sql import SparkSession  # noqa: E402

from spark_pandas_udf import phone_codes  # noqa: E402


def test_a_pandas_udf_checks_a_column():
    spark = SparkSession.builder.master("local[2]").appName("bindcheck").getOrCreate()
    try:
        frame = spark.createDataFrame([("13800138000",), ("1380013800",), ("14512345678",)], ["phone"])
        codes = [r.codes for r in frame.select(phone_codes("phone").alias("codes")).collect()]
        assert codes == ["", "phone.invalid", "phone.data_only"]
    finally:
        spark.stop()
