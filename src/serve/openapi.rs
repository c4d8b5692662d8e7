//! The OpenAPI 3.1 document of the HTTP API: docs/openapi.json, and what `GET /openapi.json`
//! answers.
//!
//! The components are the schemars schemas of the answers, the same that
//! docs/validate.schema.json and docs/serve-error.schema.json hold; only the paths are written
//! here. Deriving the document a second time with utoipa would give every answer type two
//! derives that could disagree, and OpenAPI 3.1's schema objects are JSON Schema 2020-12,
//! which is what schemars writes, so nothing needs translating.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Value};

use super::{ApiError, BODY_LIMIT, MAX_REQUEST_ID_BYTES};
use crate::report::docs::{output_schema, schema_settings, OutputSchema};
use crate::validate::{Field, Lang, Record};

/// The version of the error body `{"error", "hint"}`.
pub const ERROR_VERSION: u32 = 1;

/// The schemas of the HTTP API's own JSON answers (the 200 of `/v1/validate` is
/// docs/validate.schema.json, `crate::report::docs::output_schemas`).
pub fn output_schemas() -> Vec<OutputSchema> {
    vec![OutputSchema {
        file: "serve-error.schema.json",
        output: "`bindcheck serve`'s error answers (`/v1/validate`'s 4xx and 5xx, unknown paths and methods, the server's limits)",
        schema: output_schema::<ApiError>("serve-error", "bindcheck serve: an error answer", ERROR_VERSION),
    }]
}

/// The body of `POST /v1/validate`, as a schema: the request is read as JSON and checked key by
/// key (`crate::validate::inputs_from_json`), not deserialized into a type.
struct ValidateRequest;

impl JsonSchema for ValidateRequest {
    fn schema_name() -> Cow<'static, str> {
        "ValidateRequest".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let mut properties = serde_json::Map::new();
        for field in Field::ALL {
            properties.insert(
                field.as_str().to_owned(),
                json!({
                    "description": format!("{}, as typed: a number is read as its digits, null as not given.", field.label(Lang::En)),
                    "type": ["string", "number", "null"]
                }),
            );
        }
        properties.insert(
            "region".into(),
            json!({
                "description": "The region of phone numbers written without a country code (`CN`, `HK`, ...), or `none`; the profile's by default.",
                "type": ["string", "null"]
            }),
        );
        properties.insert(
            "lang".into(),
            json!({
                "description": "The language of messages and hints: `en` or `zh-CN` (also `zh`, `zh-Hans`, `en-US`...); else `Accept-Language`, else English.",
                "type": ["string", "null"]
            }),
        );
        schemars::json_schema!({
            "description": "One set of inputs. Keys other than these are refused (a misspelt key would leave its field unchecked).",
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
            "minProperties": 1
        })
    }
}

/// An answer: its description, its content by media type, and the request id every answer
/// carries.
fn answer(description: &str, content: Value) -> Value {
    json!({
        "description": description,
        "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
        "content": content
    })
}

fn json_content(schema: &Schema) -> Value {
    json!({ "application/json": { "schema": schema } })
}

fn text_content(media_type: &str) -> Value {
    let mut content = serde_json::Map::new();
    content.insert(media_type.to_owned(), json!({ "schema": { "type": "string" } }));
    Value::Object(content)
}

/// An error answer of the API, as `components/responses` holds them.
fn error_answer(description: &str, error: &Schema) -> Value {
    answer(description, json_content(error))
}

/// The OpenAPI 3.1 document (docs/openapi.json is this, pretty-printed).
pub fn document() -> Value {
    let mut generator = SchemaGenerator::new(schema_settings().with(|s| {
        s.definitions_path = "/components/schemas".into();
        s.meta_schema = None;
    }));
    let record = generator.subschema_for::<Record>();
    let error = generator.subschema_for::<ApiError>();
    let request = generator.subschema_for::<ValidateRequest>();
    let schemas = generator.take_definitions(true);
    let kib = BODY_LIMIT / 1024;

    let mut busy = error_answer(
        "The server is handling as many requests as it may (or, at its connection cap, has no room for another connection). `Retry-After` says when to try again.",
        &error,
    );
    busy["headers"]["Retry-After"] = json!({ "$ref": "#/components/headers/RetryAfter" });
    let mut probe_busy = answer(
        "The cap on requests in flight is reached (JSON), or a run of the same target and module that this scrape would share outlasts the scrape's budget (text).",
        json!({
            "application/json": { "schema": error },
            "text/plain": { "schema": { "type": "string" } }
        }),
    );
    probe_busy["headers"]["Retry-After"] = json!({ "$ref": "#/components/headers/RetryAfter" });

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "bindcheck serve",
            "version": env!("CARGO_PKG_VERSION"),
            "summary": "Validation for digital-wallet bind forms, and a Prometheus exporter of the wallet's endpoints.",
            "description": "The HTTP API of `bindcheck serve` (docs/serve.md). Every answer carries `X-Request-Id`: the request's own when it is 1 to 128 visible ASCII characters with no `@` and no seven digits in a row, else a new UUID; every log line of the request names it. Errors of the API are `{\"error\", \"hint\"}` in the language of the body's `lang`, else of `Accept-Language`, else English: besides those listed per operation, an unknown path is answered 404, a method a path does not take 405 (with `Allow`), and a connection the server has no room for 503. Browsers may call the API from the origins the profile's `[serve] cors_origins` and `--cors-origin` list.",
            "license": { "name": "Apache-2.0", "identifier": "Apache-2.0" }
        },
        "paths": {
            "/v1/validate": {
                "post": {
                    "operationId": "validate",
                    "summary": "Check one set of form inputs",
                    "description": "The same per-field results as `bindcheck validate --format json`, values masked, under the profile's policy. Status 200 whether or not the inputs are valid: see `ok` and each field's `findings`.",
                    "parameters": [
                        { "$ref": "#/components/parameters/AcceptLanguage" },
                        { "$ref": "#/components/parameters/RequestId" }
                    ],
                    "requestBody": {
                        "required": true,
                        "description": format!("At most {kib} KiB of JSON."),
                        "content": json_content(&request)
                    },
                    "responses": {
                        "200": answer("The inputs were checked.", json_content(&record)),
                        "400": { "$ref": "#/components/responses/BadRequest" },
                        "408": { "$ref": "#/components/responses/Timeout" },
                        "413": { "$ref": "#/components/responses/TooLarge" },
                        "500": { "$ref": "#/components/responses/Failed" },
                        "503": { "$ref": "#/components/responses/Busy" }
                    }
                },
                "options": {
                    "operationId": "validatePreflight",
                    "summary": "A browser's CORS preflight",
                    "description": "Answered with `Access-Control-Allow-Origin` and the allowed methods and headers when the `Origin` is one the server lists; without them otherwise. With no origins listed, CORS is off and this is 405.",
                    "responses": {
                        "200": {
                            "description": "The preflight's answer, with no body.",
                            "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } }
                        },
                        "405": { "$ref": "#/components/responses/MethodNotAllowed" }
                    }
                }
            },
            "/probe": {
                "get": {
                    "operationId": "probe",
                    "summary": "Probe one of the profile's endpoints, for Prometheus",
                    "description": "The profile's checks for one of its endpoints, as Prometheus text (the metrics of `bindcheck check --format prometheus`). Only endpoints the profile names can be probed.",
                    "parameters": [
                        {
                            "name": "target", "in": "query", "required": true,
                            "description": "The endpoint's `name` in the profile.",
                            "schema": { "type": "string" }
                        },
                        {
                            "name": "module", "in": "query", "required": false,
                            "description": "`http`: DNS, TCP, TLS and one request; `full`: and the loss probes.",
                            "schema": { "type": "string", "enum": ["http", "full"], "default": "http" }
                        },
                        {
                            "name": "X-Prometheus-Scrape-Timeout-Seconds", "in": "header", "required": false,
                            "description": "How long Prometheus waits; the probe takes half a second less (0.5 s to 300 s).",
                            "schema": { "type": "string" }
                        },
                        { "$ref": "#/components/parameters/RequestId" }
                    ],
                    "responses": {
                        "200": answer("The metrics.", text_content("text/plain")),
                        "400": answer("No `target`, or an unknown `module`.", text_content("text/plain")),
                        "404": answer("The profile names no such endpoint.", text_content("text/plain")),
                        "500": answer(
                            "The metrics could not be encoded (text), or the handler failed (JSON).",
                            json!({
                                "application/json": { "schema": error },
                                "text/plain": { "schema": { "type": "string" } }
                            })
                        ),
                        "503": probe_busy
                    }
                }
            },
            "/metrics": {
                "get": {
                    "operationId": "metrics",
                    "summary": "bindcheck's own metrics",
                    "parameters": [{ "$ref": "#/components/parameters/RequestId" }],
                    "responses": {
                        "200": answer("OpenMetrics text.", text_content("application/openmetrics-text"))
                    }
                }
            },
            "/healthz": {
                "get": {
                    "operationId": "healthz",
                    "summary": "Whether the server answers",
                    "parameters": [{ "$ref": "#/components/parameters/RequestId" }],
                    "responses": {
                        "200": answer("`ok`.", text_content("text/plain"))
                    }
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "parameters": [{ "$ref": "#/components/parameters/RequestId" }],
                    "responses": {
                        "200": answer("The OpenAPI 3.1 document.", json!({ "application/json": { "schema": { "type": "object" } } }))
                    }
                }
            }
        },
        "components": {
            "schemas": schemas,
            "parameters": {
                "AcceptLanguage": {
                    "name": "Accept-Language", "in": "header", "required": false,
                    "description": "`zh-CN` (or any `zh`) for Simplified Chinese messages and hints; English otherwise. The body's `lang` comes first.",
                    "schema": { "type": "string" }
                },
                "RequestId": {
                    "name": "X-Request-Id", "in": "header", "required": false,
                    "description": "An id for this request, kept when it is usable (see `info.description`) and returned on the answer; else the server makes one.",
                    "schema": { "type": "string", "maxLength": MAX_REQUEST_ID_BYTES }
                }
            },
            "headers": {
                "RequestId": {
                    "description": "The request's id, as every log line of the request names it.",
                    "required": true,
                    "schema": { "type": "string", "minLength": 1, "maxLength": MAX_REQUEST_ID_BYTES }
                },
                "RetryAfter": {
                    "description": "Seconds to wait before trying again.",
                    "required": true,
                    "schema": { "type": "string" }
                }
            },
            "responses": {
                "BadRequest": error_answer("The body is not JSON, not an object, has a value that is not a string, an unknown key, an unknown language or region, or nothing to check.", &error),
                "MethodNotAllowed": error_answer("The path does not take this method; `Allow` lists those it takes.", &error),
                "Timeout": error_answer("The request was not sent and answered within the request timeout (10 s by default).", &error),
                "TooLarge": error_answer(&format!("The body is over {kib} KiB; a declared `Content-Length` over it is refused before any of the body is read."), &error),
                "Failed": error_answer("bindcheck failed to answer (a bug: please report it).", &error),
                "Busy": busy
            }
        }
    })
}
