"""bindcheck's validators: what a person types into a wallet-binding form.

Every function returns the same structure as one field (or one form) of the command line's
JSON output: ``valid``, the ``normalized`` value (masked unless ``unmasked=True``), and the
``findings`` with their ``code``, ``severity``, ``message`` and ``hint``. Invalid input is a
finding, never an exception. Options that make no sense raise :class:`OptionError` (a
``ValueError``), arguments of the wrong type a ``TypeError``; no message repeats a value.
"""

from ._bindcheck import (
    OptionError,
    __version__,
    validate,
    validate_card,
    validate_cvv,
    validate_email,
    validate_expiry,
    validate_id_number,
    validate_many,
    validate_name,
    validate_phone,
)

__all__ = [
    "OptionError",
    "__version__",
    "validate",
    "validate_card",
    "validate_cvv",
    "validate_email",
    "validate_expiry",
    "validate_id_number",
    "validate_many",
    "validate_name",
    "validate_phone",
]
