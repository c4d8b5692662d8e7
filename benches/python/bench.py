"""bindcheck's Python package against phonenumbers and email-validator, in one process, on
the inputs of benches/compare (`cargo bench --bench throughput -- write-inputs DIR`).

    python bench.py DIR [ROWS]     # ROWS: the Dask table (default 1,000,000)

Each timing is the best of 5 passes after one warm-up pass, in ns per item (the Dask ones
are one pass each, in rows per second). Lines starting with RESULT are what
benches/python/run.sh tabulates. `validate_many` is timed three times: once per default
region (one call for each region's rows) with its `valid("phone")` column, which holds what
phonenumbers answers (one validity bool per row); in one call over a table whose `region`
column gives each row's region (`_region_column`); and per region with every row's dicts
made (`list(results)`), labelled `_dicts`.
"""

import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import bindcheck
import email_validator
import phonenumbers
from email_validator import EmailNotValidError
from phonenumbers import NumberParseException

PASSES = 5
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "docs" / "examples" / "python"))


def lines(path):
    return [line for line in Path(path).read_text(encoding="utf-8").split("\n") if line]


def best(items, one_pass):
    result = one_pass()
    ns = float("inf")
    for _ in range(PASSES):
        start = time.perf_counter_ns()
        result = one_pass()
        ns = min(ns, (time.perf_counter_ns() - start) / items)
    return ns, result


def result(name, ns, valid):
    print(f"RESULT {name} {ns:.0f} {valid}", flush=True)


def phones(directory):
    items = []
    for line in lines(Path(directory) / "phone.tsv"):
        number, _, region = line.partition("\t")
        items.append((number, region or None))

    def reference():
        valid = 0
        for number, region in items:
            try:
                valid += phonenumbers.is_valid_number(phonenumbers.parse(number, region))
            except NumberParseException:
                pass
        return valid

    check = bindcheck.validate_phone

    def per_call():
        return sum(check(number, region=region, require_mobile=False)["valid"] for number, region in items)

    # validate_many takes one set of options: one call per default region.
    groups = defaultdict(list)
    for number, region in items:
        groups[region].append({"phone": number})

    def many():
        # What phonenumbers gives: one validity bool per row (the `valid` column).
        valid = 0
        for region, rows in groups.items():
            answers = bindcheck.validate_many(rows, region=region, require_mobile=False)
            valid += sum(answers.valid("phone"))
        return valid

    # A table with a region column, as data teams have it (and as a batch file has it):
    # one call, every row's default region its own.
    table = {"phone": [number for number, _ in items], "region": [region or "none" for _, region in items]}

    def many_region_column():
        return sum(bindcheck.validate_many(table, require_mobile=False).valid("phone"))

    def many_dicts():
        # Every row's whole answer as dicts (what validate_many returned before Results).
        valid = 0
        for region, rows in groups.items():
            answers = list(bindcheck.validate_many(rows, region=region, require_mobile=False))
            valid += sum(a["fields"]["phone"]["valid"] for a in answers)
        return valid

    ref_ns, ref_valid = best(len(items), reference)
    result("phone_phonenumbers", ref_ns, ref_valid)
    ns, valid = best(len(items), per_call)
    result("phone_bindcheck_per_call", ns, valid)
    ns, valid = best(len(items), many)
    result(f"phone_bindcheck_validate_many_{len(groups)}_calls", ns, valid)
    ns, valid = best(len(items), many_region_column)
    result("phone_bindcheck_validate_many_region_column", ns, valid)
    ns, valid = best(len(items), many_dicts)
    result(f"phone_bindcheck_validate_many_dicts_{len(groups)}_calls", ns, valid)


def emails(directory):
    items = lines(Path(directory) / "email.txt")

    def reference():
        valid = 0
        for address in items:
            try:
                email_validator.validate_email(address, check_deliverability=False)
                valid += 1
            except EmailNotValidError:
                pass
        return valid

    check = bindcheck.validate_email

    def per_call():
        return sum(check(address)["valid"] for address in items)

    ns, valid = best(len(items), reference)
    result("email_email_validator", ns, valid)
    ns, valid = best(len(items), per_call)
    result("email_bindcheck_per_call", ns, valid)


def table(rows):
    """A user table as data teams have them (docs/examples/python/dask_distributed.py):
    mainland mobiles and webmail addresses; phonenumbers and bindcheck on its phones, then
    bindcheck on both columns in one process and on a two-worker Dask cluster."""
    import dask_distributed as example
    from distributed import Client, LocalCluster

    data = example.generate(rows)
    sample = data["phone"].tolist()[:200_000]

    def reference():
        return sum(phonenumbers.is_valid_number(phonenumbers.parse(p, "CN")) for p in sample)

    def many():
        return sum(bindcheck.validate_many({"phone": sample}, require_mobile=False).valid("phone"))

    def many_dicts():
        answers = list(bindcheck.validate_many({"phone": sample}, require_mobile=False))
        return sum(a["fields"]["phone"]["valid"] for a in answers)

    ns, valid = best(len(sample), reference)
    result("table_phone_phonenumbers", ns, valid)
    ns, valid = best(len(sample), many)
    result("table_phone_bindcheck_validate_many", ns, valid)
    ns, valid = best(len(sample), many_dicts)
    result("table_phone_bindcheck_validate_many_dicts", ns, valid)

    start = time.perf_counter()
    single = example.check_partition(data)
    seconds = time.perf_counter() - start
    result("table_single_process_rows_per_s", rows / seconds, int(single["ok"].sum()))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            example.check_on_cluster(data.head(10_000), client)  # warm the workers
            start = time.perf_counter()
            out = example.check_on_cluster(data, client)
            seconds = time.perf_counter() - start
    result("table_dask_2_workers_rows_per_s", rows / seconds, int(out["ok"].sum()))


if __name__ == "__main__":
    directory = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    print(f"python {sys.version.split()[0]}, bindcheck {bindcheck.__version__}, phonenumbers {phonenumbers.__version__}, "
          f"email-validator {email_validator.__version__}, cores {os.cpu_count()}", flush=True)
    phones(directory)
    emails(directory)
    table(rows)
