#!/usr/bin/env bash
# bindcheck's Python package against phonenumbers (parse + is_valid_number) and
# email-validator (check_deliverability=False), side by side in one Python process
# (benches/python/bench.py), on the inputs of benches/compare/run.sh; then validate_many on
# both cores, and a 1,000,000-row table on a two-worker Dask cluster against one process.
# Targets (issue #17): per call at least 50x phonenumbers and 20x email-validator;
# validate_many at least 150x phonenumbers (one call over the inputs with their region
# column; the call per region and the table of CN mobiles are shown without a target).
#
#   benches/python/run.sh          # needs python3 and cargo; ROWS=N for the Dask table
#   INPUTS=DIR benches/python/run.sh   # inputs written before (write-inputs DIR)
#
# Installs into a temporary directory (removed at the end; KEEP_TMP=1 keeps it) the pinned
# packages of python/requirements-test.txt and the wheel built by maturin.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bindcheck-pybench.XXXXXX")
if [[ "${KEEP_TMP:-0}" == 1 ]]; then echo "keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi

echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
echo "== installing the pinned packages and building the wheel into $tmp"
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q --disable-pip-version-check -r "$root/python/requirements-test.txt"
(cd "$root/python" && "$tmp/venv/bin/maturin" build --release --locked --quiet --out "$tmp/wheel")
"$tmp/venv/bin/pip" install -q --disable-pip-version-check --no-deps "$tmp"/wheel/bindcheck-*.whl

echo "== writing the inputs (cargo bench --bench throughput -- write-inputs)"
if [[ -n "${INPUTS:-}" ]]; then cp -r "$INPUTS" "$tmp/inputs"; else
  (cd "$root" && cargo bench --quiet --bench throughput -- write-inputs "$tmp/inputs"); fi

echo "== timing"
"$tmp/venv/bin/python" "$here/bench.py" "$tmp/inputs" "${ROWS:-1000000}" | tee "$tmp/out.txt"
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "== results"
awk '
  $1 == "RESULT" { v[$2] = $3; n[$2] = $4 }
  END {
    printf "%-46s %12s %8s %s\n", "what", "ns/item", "ratio", "target"
    r = v["phone_phonenumbers"]; e = v["email_email_validator"]; t = v["table_phone_phonenumbers"]
    printf "%-46s %12d\n", "phonenumbers, per call", r
    printf "%-46s %12d %7.1fx %s\n", "bindcheck.validate_phone, per call", v["phone_bindcheck_per_call"], r / v["phone_bindcheck_per_call"], "50x"
    for (k in v) if (k ~ /^phone_bindcheck_validate_many_[0-9]/) printf "%-46s %12d %7.1fx\n", "validate_many per region + valid column", v[k], r / v[k]
    k = "phone_bindcheck_validate_many_region_column"; printf "%-46s %12d %7.1fx %s\n", "validate_many, region column, one call", v[k], r / v[k], "150x"
    for (k in v) if (k ~ /^phone_bindcheck_validate_many_dicts/) printf "%-46s %12d %7.1fx\n", "bindcheck.validate_many + every dict", v[k], r / v[k]
    printf "%-46s %12d\n", "email-validator, per call", e
    printf "%-46s %12d %7.1fx %s\n", "bindcheck.validate_email, per call", v["email_bindcheck_per_call"], e / v["email_bindcheck_per_call"], "20x"
    printf "%-46s %12d\n", "table phones: phonenumbers", t
    printf "%-46s %12d %7.1fx\n", "table phones: validate_many + valid column", v["table_phone_bindcheck_validate_many"], t / v["table_phone_bindcheck_validate_many"]
    printf "%-46s %12d %7.1fx\n", "table phones: validate_many + every dict", v["table_phone_bindcheck_validate_many_dicts"], t / v["table_phone_bindcheck_validate_many_dicts"]
    printf "%-46s %12d rows/s\n", "table, one process (validate_many)", v["table_single_process_rows_per_s"]
    printf "%-46s %12d rows/s %6.2fx\n", "table, Dask, 2 workers", v["table_dask_2_workers_rows_per_s"], v["table_dask_2_workers_rows_per_s"] / v["table_single_process_rows_per_s"]
  }' "$tmp/out.txt"
echo
echo "valid counts: phones $(awk '$1=="RESULT" && $2 ~ /^phone_/ {printf "%s ", $4}' "$tmp/out.txt")(phonenumbers, per call, many); emails $(awk '$1=="RESULT" && $2 ~ /^email_/ {printf "%s ", $4}' "$tmp/out.txt")"
