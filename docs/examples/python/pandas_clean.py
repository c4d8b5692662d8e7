"""Cleaning a user table with pandas before a migration: one call checks every row on every
core, and the answers become columns."""

import bindcheck
import pandas as pd


def clean(users: pd.DataFrame) -> pd.DataFrame:
    """``users`` with ``ok``, the masked phone and email, and the codes of every finding
    (``phone.invalid``, ``email.typo``...) joined by spaces."""
    answers = bindcheck.validate_many(users[["phone", "email"]])
    fields = [a["fields"] for a in answers]
    return users.assign(
        ok=[a["ok"] for a in answers],
        phone_masked=[f.get("phone", {}).get("normalized") for f in fields],
        email_masked=[f.get("email", {}).get("normalized") for f in fields],
        codes=[" ".join(x["code"] for v in f.values() for x in v["findings"]) for f in fields],
    )
