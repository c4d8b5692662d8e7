"""Cleaning a user table with pandas before a migration: one call checks every row on every
core, and its answers' columns become the table's (no dict is made per row)."""

import bindcheck
import pandas as pd


def clean(users: pd.DataFrame) -> pd.DataFrame:
    """``users`` with ``ok``, the masked phone and email, and the codes of every finding
    (``phone.invalid``, ``email.typo``...) joined by spaces."""
    answers = bindcheck.validate_many(users[["phone", "email"]])
    return users.assign(
        ok=answers.ok,
        phone_masked=answers.normalized("phone"),
        email_masked=answers.normalized("email"),
        codes=[" ".join(codes) for codes in answers.codes()],
    )
