"""Shared helpers: the WebAssembly tests' cases file, with the JavaScript names mapped to
Python's (validatePhone -> validate_phone, defaultRegion -> region, allowedBrands ->
allowed_brands)."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "fixtures" / "wasm" / "cases.json"

# The JavaScript functions the Python package has; the others (masks, formatting as typed,
# brand information) are for forms in a browser.
FUNCTIONS = {
    "validatePhone": "validate_phone",
    "validateEmail": "validate_email",
    "validateCard": "validate_card",
    "validateExpiry": "validate_expiry",
    "validateCvv": "validate_cvv",
    "validateIdNumber": "validate_id_number",
    "validateName": "validate_name",
    "validate": "validate",
}


def python_options(js: dict) -> dict:
    """JavaScript options in Python's spelling."""
    out = {}
    for key, value in js.items():
        if key == "defaultRegion":
            key = "region"
        out[re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), key)] = value
    return out


def load_cases():
    cases = json.loads(CASES.read_text(encoding="utf-8"))
    return [c for c in cases if c["fn"] in FUNCTIONS]


@pytest.fixture(scope="session")
def cases():
    return load_cases()
