"""bindcheck serve's OpenAPI document, checked by the tools its users run.

The document (docs/openapi.json) must be valid OpenAPI 3.1 for openapi-spec-validator, and the
answers of a running `bindcheck serve` must match it for openapi-core: status, media type,
body schema and required headers (X-Request-Id) of every case below. tests/it/serve.rs starts
the server (one profile endpoint named `api`, CORS off) and runs this script in the venv
.ci/run makes (target/py-venv, tests/openapi/requirements.txt).

usage: check.py OPENAPI_JSON BASE_URL
"""

import json
import sys
import urllib.error
import urllib.request
from urllib.parse import parse_qsl, urlsplit

from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.media_types.util import plain_loads
from openapi_spec_validator import validate
from werkzeug.datastructures import Headers, ImmutableMultiDict

JSON = {"Content-Type": "application/json"}
ZH = {"Content-Type": "application/json", "Accept-Language": "zh-CN"}

# method, path and query, request headers, body, the status expected
CASES = [
    ("POST", "/v1/validate", JSON, {"phone": "138 0013 8000", "card": "4111 1111 1111 1112"}, 200),
    ("POST", "/v1/validate", JSON, {"email": "li@qq.con", "expiry": "12/99", "lang": "zh-CN"}, 200),
    ("POST", "/v1/validate", ZH, {"id_number": "11010519491231002X", "name": "张三"}, 200),
    ("POST", "/v1/validate", JSON, "{not json", 400),
    ("POST", "/v1/validate", ZH, {"card": ["6222021234567890128"]}, 400),
    ("POST", "/v1/validate", JSON, {"phone": "1", "region": "XX"}, 400),
    ("POST", "/v1/validate", ZH, {"name": "x" * 20000}, 413),
    ("OPTIONS", "/v1/validate", {"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"}, None, 405),
    ("GET", "/probe?target=api", {}, None, 200),
    ("GET", "/probe?target=api&module=full", {}, None, 200),
    ("GET", "/probe", {}, None, 400),
    ("GET", "/probe?target=api&module=icmp", {}, None, 400),
    ("GET", "/probe?target=nowhere", {}, None, 404),
    ("GET", "/metrics", {}, None, 200),
    ("GET", "/healthz", {"X-Request-Id": "openapi-check-1"}, None, 200),
    ("GET", "/openapi.json", {}, None, 200),
]


class Request:
    """A request as openapi-core's Request protocol describes it."""

    def __init__(self, base, method, target, headers, body):
        parts = urlsplit(target)
        self.host_url = base
        self.path = parts.path
        self.method = method.lower()
        self.body = body
        self.content_type = headers.get("Content-Type", "")
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(parts.query)),
            header=Headers(headers),
            cookie=ImmutableMultiDict(),
        )


class Response:
    """An answer as openapi-core's Response protocol describes it."""

    def __init__(self, status, headers, data):
        self.status_code = status
        self.headers = Headers(list(headers.items()))
        self.content_type = headers.get("Content-Type", "").lower()
        self.data = data


def send(base, method, target, headers, body):
    data = None
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    request = urllib.request.Request(base + target, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.headers, r.read(), data
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read(), data


def main():
    path, base = sys.argv[1], sys.argv[2].rstrip("/")
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    validate(spec)
    print(f"ok: {path} is valid OpenAPI {spec['openapi']}")
    # OpenMetrics is text, as openapi-core reads text/plain; it knows no other text formats.
    config = Config(extra_media_type_deserializers={"application/openmetrics-text": plain_loads})
    api = OpenAPI.from_dict(spec, config=config)
    failures = []
    for method, target, headers, body, expected in CASES:
        status, answer_headers, data, sent = send(base, method, target, headers, body)
        label = f"{method} {target} -> {status}"
        if status != expected:
            failures.append(f"{label}: expected {expected}: {data[:300]!r}")
            continue
        request = Request(base, method, target, headers, sent)
        response = Response(status, answer_headers, data)
        try:
            if 200 <= status < 300:
                api.validate_request(request)
            api.validate_response(request, response)
        except Exception as e:  # noqa: BLE001 - every kind of mismatch is a failure to report
            detail = "; ".join(str(x) for x in getattr(e, "schema_errors", [])) or repr(e)
            failures.append(f"{label}: {type(e).__name__}: {e} {detail}")
            continue
        if target == "/openapi.json" and json.loads(data) != spec:
            failures.append(f"{label}: the document served differs from {path}")
        print(f"ok: {label} ({answer_headers.get('Content-Type')}, X-Request-Id {answer_headers.get('X-Request-Id')})")
    for failure in failures:
        print(f"FAIL: {failure}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
