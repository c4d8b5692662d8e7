"""Reads bindcheck's JUnit reports back as CI tooling does, for tests/it/junit.rs.

    junit_read.py SCHEMA.xsd REPORT.xml...

For each report, prints one JSON object per line: what junitparser (the JUnit reader many
CI scripts and GitHub actions use) sees in it, suites, cases, results and times, and every
error xmlschema finds when it validates the report against SCHEMA.xsd. Exit status 0 when
every report could be read; validation errors are data for the caller to judge.
"""

import json
import sys

import xmlschema
from junitparser import JUnitXml


def case_of(case):
    return {
        "classname": case.classname,
        "name": case.name,
        "time": case.time,
        "results": [
            {"kind": type(r).__name__.lower(), "type": r.type, "message": r.message}
            for r in case.result
        ],
        "system_out": case.system_out,
    }


def suite_of(suite):
    return {
        "name": suite.name,
        "tests": suite.tests,
        "failures": suite.failures,
        "errors": suite.errors,
        "skipped": suite.skipped,
        "time": suite.time,
        "timestamp": suite.timestamp,
        "hostname": suite.hostname,
        "cases": [case_of(c) for c in suite],
    }


def read(schema, path):
    errors = [f"{e.reason} (at {e.path})" for e in schema.iter_errors(path)]
    xml = JUnitXml.fromfile(path)
    return {
        "file": path,
        "schema_errors": errors,
        "name": xml.name,
        "tests": xml.tests,
        "failures": xml.failures,
        "time": xml.time,
        "suites": [suite_of(s) for s in xml],
    }


def main():
    schema = xmlschema.XMLSchema(sys.argv[1])
    for path in sys.argv[2:]:
        print(json.dumps(read(schema, path), ensure_ascii=False))


if __name__ == "__main__":
    main()
