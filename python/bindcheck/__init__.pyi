"""Type stubs of bindcheck's validators (the extension module bindcheck._bindcheck)."""

import datetime
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, TypedDict, overload

from typing_extensions import NotRequired, Unpack

__version__: str

Brand = Literal[
    "visa", "mastercard", "american-express", "diners-club", "discover", "jcb", "unionpay",
    "maestro", "mir", "elo", "hiper", "hipercard", "troy", "naranja", "verve",
]
Severity = Literal["error", "warning", "info"]

class OptionError(ValueError):
    """An option that makes no sense; its message never repeats a submitted value."""

class Finding(TypedDict):
    code: str
    severity: Severity
    field: str
    message: str
    hint: NotRequired[str]

class Carrier(TypedDict):
    name: str
    name_zh: NotRequired[str]
    segment: str

class FieldView(TypedDict):
    """One field, as the command line's JSON output has it (docs/validate.schema.json)."""

    valid: bool
    normalized: str | None
    findings: list[Finding]
    possible: NotRequired[bool]
    potentially_valid: NotRequired[bool]
    region: NotRequired[str]
    number_type: NotRequired[str]
    carrier: NotRequired[Carrier]
    luhn: NotRequired[bool]
    brand: NotRequired[Brand]
    co_brands: NotRequired[list[Brand]]
    candidates: NotRequired[list[Brand]]
    issuer: NotRequired[dict[str, Any]]
    domain_unicode: NotRequired[str]
    suggestion: NotRequired[str]

class Fields(TypedDict, total=False):
    phone: FieldView
    email: FieldView
    card: FieldView
    expiry: FieldView
    cvv: FieldView
    id_number: FieldView
    name: FieldView

class Validation(TypedDict):
    ok: bool
    fields: Fields

FieldName = Literal["phone", "email", "card", "expiry", "cvv", "id_number", "name"]

class Results(Sequence[Validation]):
    """What ``validate_many`` returns: one ``Validation`` per row, in order, each made when
    read (``results[i]``, iteration, ``list(results)``); equal to the list of those dicts.
    Slices are ``Results`` too. The columns are made without a dict per row."""

    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, index: int) -> Validation: ...
    @overload
    def __getitem__(self, index: slice) -> Results: ...
    def __iter__(self) -> Iterator[Validation]: ...
    def __reversed__(self) -> Iterator[Validation]: ...
    def __eq__(self, other: object) -> bool: ...
    def count(self, value: Any) -> int: ...
    def index(self, value: Any) -> int: ...  # type: ignore[override]
    @property
    def ok(self) -> list[bool]:
        """Each row's ``ok``."""
    def valid(self, field: FieldName) -> list[bool | None]:
        """Each row's ``["fields"][field]["valid"]``; ``None`` where the row has no such field."""
    def normalized(self, field: FieldName) -> list[str | None]:
        """Each row's ``["fields"][field]["normalized"]``; ``None`` where absent."""
    def codes(self, field: FieldName | None = None) -> list[list[str]]:
        """Each row's finding codes, of ``field`` only when given."""

class FormOptions(TypedDict, total=False):
    region: str | None
    allowed_regions: Sequence[str] | None
    require_mobile: bool | None
    virtual_operator: Literal["allow", "warn", "reject"] | None
    phone_ranges: str | None
    allow_quoted_local: bool
    allow_ip_literal: bool
    allowed_brands: Sequence[str] | None
    bin_table: str | None
    allowed_kinds: Sequence[Literal["debit", "credit", "prepaid"]] | None
    unionpay_luhn: Literal["warn", "error"] | None
    today: datetime.date | str | None
    lang: Literal["en", "zh", "zh-CN"] | None
    unmasked: bool

class Options(FormOptions, total=False):
    brand: str | None

def validate_phone(value: str, /, **options: Unpack[Options]) -> FieldView: ...
def validate_email(value: str, /, **options: Unpack[Options]) -> FieldView: ...
def validate_card(value: str, /, **options: Unpack[Options]) -> FieldView: ...
def validate_expiry(value: str, /, **options: Unpack[Options]) -> FieldView: ...
def validate_cvv(value: str, /, **options: Unpack[Options]) -> FieldView: ...
def validate_id_number(value: str, /, **options: Unpack[Options]) -> FieldView: ...
def validate_name(value: str, /, **options: Unpack[Options]) -> FieldView: ...
def validate(
    *,
    phone: str | None = None,
    email: str | None = None,
    card: str | None = None,
    expiry: str | None = None,
    cvv: str | None = None,
    id_number: str | None = None,
    name: str | None = None,
    **options: Unpack[FormOptions],
) -> Validation: ...
def validate_many(
    rows: Iterable[Mapping[str, str | None]] | Mapping[str, Iterable[str | None]] | Any,
    /,
    **options: Unpack[FormOptions],
) -> Results: ...
