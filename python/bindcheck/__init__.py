"""bindcheck's validators: what a person types into a wallet-binding form.

Every function returns the same structure as one field (or one form) of the command line's
JSON output: ``valid``, the ``normalized`` value (masked unless ``unmasked=True``), and the
``findings`` with their ``code``, ``severity``, ``message`` and ``hint``. Invalid input is a
finding, never an exception. Options that make no sense raise :class:`OptionError` (a
``ValueError``), arguments of the wrong type a ``TypeError``; no message repeats a value.

``validate_many`` returns a :class:`Results`: a sequence of ``validate``'s answers, each made
when read, with columns (``ok``, ``valid(field)``, ``normalized(field)``, ``codes()``).
"""

from collections.abc import Sequence

from ._bindcheck import (
    OptionError,
    Results,
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
    "Results",
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

# A read-only sequence: isinstance(results, Sequence) holds, as it did for the list returned
# before.
Sequence.register(Results)
