"""Checking a large table on a Dask cluster: each partition is one ``validate_many`` call,
which uses every core of its worker."""

import bindcheck
import numpy as np
import pandas as pd

COLUMNS = {"ok": bool, "codes": object}


def check_partition(part: pd.DataFrame) -> pd.DataFrame:
    answers = bindcheck.validate_many(part[["phone", "email"]])
    return pd.DataFrame(
        {"ok": answers.ok, "codes": [" ".join(codes) for codes in answers.codes()]},
        index=part.index,
    )


def generate(rows: int, seed: int = 7) -> pd.DataFrame:
    """Mainland mobiles typed in the usual ways, some a digit short; webmail addresses, some
    with a provider typo."""
    rng = np.random.default_rng(seed)
    prefixes = np.array(["138", "139", "186", "177", "150", "199", "145", "170"])
    digits = rng.integers(0, 100_000_000, rows)
    prefix = prefixes[rng.integers(0, len(prefixes), rows)]
    phone = pd.Series(prefix).str.cat(pd.Series(digits).map("{:08d}".format))
    short = rng.random(rows) < 0.05
    phone[short] = phone[short].str[:-1]
    spaced = rng.random(rows) < 0.3
    phone[spaced] = phone[spaced].str[:3] + " " + phone[spaced].str[3:7] + " " + phone[spaced].str[7:]
    domains = np.array(["qq.com", "163.com", "gmail.com", "126.com", "qq.con", "gmial.com"])
    domain = domains[rng.choice(len(domains), rows, p=[0.4, 0.25, 0.2, 0.1, 0.03, 0.02])]
    email = pd.Series([f"user{i}@" for i in range(rows)]).str.cat(pd.Series(domain))
    return pd.DataFrame({"phone": phone, "email": email})


def check_on_cluster(table: pd.DataFrame, client, partitions: int = 8) -> pd.DataFrame:
    import dask.dataframe as dd

    frame = dd.from_pandas(table, npartitions=partitions)
    return client.compute(frame.map_partitions(check_partition, meta=COLUMNS)).result()
