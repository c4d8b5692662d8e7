"""Times a Python reference implementation on an input file written by
`cargo bench --bench throughput -- write-inputs DIR` (see benches/common/mod.rs).

    python reference.py phone DIR/phone.tsv   # phonenumbers: parse + is_valid_number
    python reference.py email DIR/email.txt   # email-validator: validate_email(check_deliverability=False)

Single-threaded, timed like benches/throughput.rs: one warm-up pass over the whole list,
then the best of 5 passes. The last line is `RESULT <kind> <items> <ns per item> <valid>`.
"""

import sys
import time

PASSES = 5


def read_lines(path):
    with open(path, encoding="utf-8", newline="\n") as f:
        text = f.read()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def phone_pass_factory(path):
    import phonenumbers
    from phonenumbers import NumberParseException

    assert phonenumbers.__version__ == "9.0.33", phonenumbers.__version__
    items = []
    for line in read_lines(path):
        number, _, region = line.partition("\t")
        items.append((number, region or None))
    parse, is_valid = phonenumbers.parse, phonenumbers.is_valid_number

    def one_pass():
        valid = 0
        for number, region in items:
            try:
                n = parse(number, region)
            except NumberParseException:
                continue
            if is_valid(n):
                valid += 1
        return valid

    return items, one_pass


def email_pass_factory(path):
    import email_validator
    from email_validator import EmailNotValidError, validate_email

    assert email_validator.__version__ == "2.4.0", email_validator.__version__
    items = read_lines(path)

    def one_pass():
        valid = 0
        for address in items:
            try:
                validate_email(address, check_deliverability=False)
            except EmailNotValidError:
                continue
            valid += 1
        return valid

    return items, one_pass


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("phone", "email"):
        sys.exit("usage: reference.py (phone|email) FILE")
    kind, path = sys.argv[1], sys.argv[2]
    factory = phone_pass_factory if kind == "phone" else email_pass_factory
    items, one_pass = factory(path)
    valid = one_pass()  # warm-up: loads metadata, fills caches
    best = float("inf")
    for _ in range(PASSES):
        start = time.perf_counter_ns()
        valid = one_pass()
        best = min(best, (time.perf_counter_ns() - start) / len(items))
    name = "phonenumbers" if kind == "phone" else "email-validator"
    print(f"{name} {kind}: {len(items)} items, best of {PASSES} passes: {best:.1f} ns/item, {valid} valid")
    print(f"RESULT {kind} {len(items)} {best:.1f} {valid}")


if __name__ == "__main__":
    main()
