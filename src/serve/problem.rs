//! The HTTP API's errors: one body for all of them, `{"error", "hint"}` (what is wrong, then
//! what to do; docs/serve-error.schema.json), in the caller's language.
//!
//! The language is the body's `lang` when the handler got that far, else `Accept-Language`,
//! else English. An error made where the body has not been read (a layer: the body limit, the
//! request timeout, the cap on requests in flight, a panic) is written in English at once
//! and marked; [`localize`] rewrites a marked answer in the language the request's
//! `Accept-Language` asks for. No message ever repeats a value from the request.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::error::Category;
use std::borrow::Cow;
use std::time::Duration;

use crate::validate::{Lang, RowError};

/// The body of every error answer of `/v1/validate`, of paths that do not exist, and of the
/// server's limits: what is wrong, then what to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ApiError {
    /// What is wrong, in the caller's language. It names keys and limits, never a value
    /// from the request.
    pub error: String,
    /// What to do about it, in the same language.
    pub hint: String,
}

/// Why a request was not answered with what it asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Problem {
    /// The body is not JSON: what is wrong (in English words, and its kind), where.
    NotJson {
        what: &'static str,
        category: Category,
        line: usize,
        column: usize,
    },
    /// The body is JSON but not an object.
    NotAnObject,
    /// A key that is no input field, `region` or `lang`.
    UnknownKey,
    /// A value that is not a string, a number or null.
    NotAString(&'static str),
    /// A `lang` that names no language bindcheck speaks.
    UnknownLang,
    /// A `lang` that is not a string.
    LangNotAString,
    /// No input field given.
    NothingToCheck,
    /// A `region` that is no region code.
    UnknownRegion,
    /// The body ended before its declared length, or could not be read.
    BodyUnreadable,
    /// The body is over the limit (bytes).
    TooLarge(usize),
    /// The request was not sent and answered in time.
    Timeout(Duration),
    /// As many requests are in flight as the server allows.
    Busy,
    /// No such path.
    NotFound,
    /// The path does not take this method.
    MethodNotAllowed,
    /// A handler panicked.
    Panicked,
    /// The answer could not be encoded.
    Unencodable,
}

impl Problem {
    /// The problem of a row of inputs that [`crate::validate::inputs_from_json`] refused.
    pub(super) fn of_row(e: &RowError) -> Problem {
        match e {
            RowError::NotAnObject => Problem::NotAnObject,
            RowError::NotAString { key } => Problem::NotAString(key),
            // `RowError` is non-exhaustive: a new kind reads as the most general one.
            _ => Problem::UnknownKey,
        }
    }

    /// The problem of a body that serde_json could not parse: its category and position,
    /// never the text around it.
    pub(super) fn of_json(e: &serde_json::Error) -> Problem {
        Problem::NotJson {
            what: crate::validate::json_problem(e),
            category: e.classify(),
            line: e.line(),
            column: e.column(),
        }
    }

    pub(super) fn status(self) -> StatusCode {
        match self {
            Problem::NotJson { .. }
            | Problem::NotAnObject
            | Problem::UnknownKey
            | Problem::NotAString(_)
            | Problem::UnknownLang
            | Problem::LangNotAString
            | Problem::NothingToCheck
            | Problem::UnknownRegion
            | Problem::BodyUnreadable => StatusCode::BAD_REQUEST,
            Problem::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Problem::Timeout(_) => StatusCode::REQUEST_TIMEOUT,
            Problem::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Problem::NotFound => StatusCode::NOT_FOUND,
            Problem::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Problem::Panicked | Problem::Unencodable => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What is wrong, in `lang`.
    pub(super) fn message(self, lang: Lang) -> String {
        let (en, zh): (Cow<'static, str>, Cow<'static, str>) = match self {
            Problem::NotJson {
                what,
                category,
                line,
                column,
            } => {
                let what_zh = match category {
                    Category::Syntax => "有语法错误",
                    Category::Eof => "处内容意外结束",
                    Category::Data => "的值类型不对",
                    Category::Io => "读取出错",
                };
                (
                    format!("the body is not valid JSON ({what} at line {line} column {column})").into(),
                    format!("请求体不是有效的 JSON：第 {line} 行第 {column} 列{what_zh}。").into(),
                )
            }
            Problem::NotAnObject => ("expected a JSON object".into(), "请求体应当是一个 JSON 对象。".into()),
            Problem::UnknownKey => (
                // The words of `RowError::UnknownKey`, which batch mode writes too.
                "unknown key: use phone, email, card, expiry, cvv, id_number, name, region, lang".into(),
                "请求体中有未知的键。".into(),
            ),
            Problem::NotAString(key) => (
                format!("`{key}` must be a string").into(),
                format!("`{key}` 的值必须是字符串。").into(),
            ),
            Problem::UnknownLang => ("unknown language".into(), "不支持这种语言。".into()),
            Problem::LangNotAString => ("`lang` must be a string".into(), "`lang` 的值必须是字符串。".into()),
            Problem::NothingToCheck => ("nothing to check".into(), "没有需要检查的内容。".into()),
            Problem::UnknownRegion => ("unknown region".into(), "未知的地区代码。".into()),
            Problem::BodyUnreadable => (
                "the body could not be read to its end".into(),
                "未能完整读取请求体。".into(),
            ),
            Problem::TooLarge(limit) => {
                let kib = limit / 1024;
                (
                    format!("the body is larger than {kib} KiB").into(),
                    format!("请求体超过了 {kib} KiB 的上限。").into(),
                )
            }
            Problem::Timeout(limit) => {
                let s = format_seconds(limit);
                (
                    format!("the request was not sent and answered within {s} s").into(),
                    format!("请求未能在 {s} 秒内发送完毕并得到应答。").into(),
                )
            }
            Problem::Busy => (
                "bindcheck serve is handling as many requests as it may".into(),
                "bindcheck serve 正在处理的请求已达上限。".into(),
            ),
            Problem::NotFound => ("no such path".into(), "没有这个路径。".into()),
            Problem::MethodNotAllowed => (
                "this path does not take this method".into(),
                "此路径不接受这种请求方法。".into(),
            ),
            Problem::Panicked => (
                "bindcheck failed to answer this request".into(),
                "bindcheck 未能处理此请求。".into(),
            ),
            Problem::Unencodable => ("cannot encode the answer".into(), "无法生成应答。".into()),
        };
        lang.pick(en, zh).into_owned()
    }

    /// What to do, in `lang`.
    pub(super) fn hint(self, lang: Lang) -> &'static str {
        let (en, zh) = match self {
            Problem::NotJson { .. } => (
                "send a JSON object such as {\"phone\": \"138 0013 8000\"}",
                "请发送一个 JSON 对象，例如 {\"phone\": \"138 0013 8000\"}。",
            ),
            Problem::NotAnObject | Problem::NotAString(_) => (
                "see docs/serve.md for the request format",
                "请求格式见 docs/serve.md：各项的值为字符串（也可以是数字），null 表示未填写。",
            ),
            Problem::UnknownKey => (
                "see docs/serve.md for the request format",
                "只能使用 phone、email、card、expiry、cvv、id_number、name、region 和 lang 这些键；请求格式见 docs/serve.md。",
            ),
            Problem::UnknownLang | Problem::LangNotAString => {
                ("use \"en\" or \"zh-CN\"", "请使用 \"en\" 或 \"zh-CN\"。")
            }
            Problem::NothingToCheck => (
                "give at least one of phone, email, card, expiry, cvv, id_number, name",
                "请至少提供 phone、email、card、expiry、cvv、id_number、name 中的一项。",
            ),
            Problem::UnknownRegion => (
                "use a two-letter region code such as CN, HK, MO, TW or US, or \"none\"",
                "请使用两个字母的地区代码，例如 CN、HK、MO、TW 或 US；不设默认地区请用 \"none\"。",
            ),
            Problem::BodyUnreadable => (
                "send the whole body, as long as Content-Length says",
                "请完整发送请求体，长度应与 Content-Length 一致。",
            ),
            Problem::TooLarge(_) => (
                "send one set of inputs per request; check files with `bindcheck validate --input`",
                "每个请求只发送一组信息；批量检查文件请用 `bindcheck validate --input`。",
            ),
            Problem::Timeout(_) => (
                "send the body right after the header, all at once",
                "请在发送请求头后立即一次性发送完整的请求体。",
            ),
            Problem::Busy => (
                "try again shortly: Retry-After says how many seconds to wait",
                "请稍后重试：Retry-After 给出了需要等待的秒数。",
            ),
            Problem::NotFound => (
                "the API has POST /v1/validate, GET /probe, GET /metrics, GET /healthz and GET /openapi.json",
                "本服务提供 POST /v1/validate、GET /probe、GET /metrics、GET /healthz 和 GET /openapi.json。",
            ),
            Problem::MethodNotAllowed => (
                "/v1/validate takes POST, the other paths GET; the Allow header lists what this one takes",
                "/v1/validate 只接受 POST，其他路径只接受 GET；Allow 头列出了此路径接受的方法。",
            ),
            Problem::Panicked | Problem::Unencodable => {
                ("this is a bug: please report it", "这是 bindcheck 的缺陷，请报告给开发者。")
            }
        };
        lang.pick(en, zh)
    }

    /// The error body in `lang`.
    pub(super) fn body(self, lang: Lang) -> ApiError {
        ApiError {
            error: self.message(lang),
            hint: self.hint(lang).to_owned(),
        }
    }

    /// The answer in `lang`, when the request's language is known (the body's `lang`, or
    /// its headers). With `None` it is written in English and [`localize`] rewrites it in the
    /// language of the request's `Accept-Language`.
    pub(super) fn answer(self, lang: Option<Lang>) -> Response {
        let mut response = json_answer(self.status(), &self.body(lang.unwrap_or_default()));
        if self == Problem::Busy {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if lang.is_none() {
            response.extensions_mut().insert(Unlocalized(self));
        }
        response
    }
}

/// `limit` in seconds, as a message shows it: `10`, `0.5`.
fn format_seconds(limit: Duration) -> String {
    let s = limit.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s:.1}")
    }
}

/// A JSON answer: `body` with `status`.
fn json_answer(status: StatusCode, body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(json) => (status, [(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "cannot encode the answer\n").into_response(),
    }
}

/// Marks an error answer written in English because its language was not known where it was
/// made.
#[derive(Clone, Copy, Debug)]
struct Unlocalized(Problem);

/// The language the request's headers ask for: `Accept-Language`, else English.
pub(super) fn header_lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::En, Lang::from_locale)
}

/// Rewrites a marked error answer in the language of the request's `Accept-Language`,
/// keeping its status and headers (`Retry-After`, `Allow`).
pub(super) async fn localize(request: Request, next: Next) -> Response {
    let lang = header_lang(request.headers());
    let mut response = next.run(request).await;
    let Some(Unlocalized(problem)) = response.extensions_mut().remove::<Unlocalized>() else {
        return response;
    };
    if lang == Lang::En {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let Ok(json) = serde_json::to_vec(&problem.body(lang)) else {
        return Response::from_parts(parts, Body::empty());
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(json))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: &[Problem] = &[
        Problem::NotJson {
            what: "a syntax error",
            category: Category::Syntax,
            line: 1,
            column: 2,
        },
        Problem::NotAnObject,
        Problem::UnknownKey,
        Problem::NotAString("card"),
        Problem::UnknownLang,
        Problem::LangNotAString,
        Problem::NothingToCheck,
        Problem::UnknownRegion,
        Problem::BodyUnreadable,
        Problem::TooLarge(16 * 1024),
        Problem::Timeout(Duration::from_millis(2500)),
        Problem::Busy,
        Problem::NotFound,
        Problem::MethodNotAllowed,
        Problem::Panicked,
        Problem::Unencodable,
    ];

    #[test]
    fn every_problem_says_what_and_what_to_do_in_both_languages() {
        for &p in ALL {
            let (en, zh) = (p.body(Lang::En), p.body(Lang::ZhCn));
            for text in [&en.error, &en.hint, &zh.error, &zh.hint] {
                assert!(!text.is_empty(), "{p:?}");
            }
            assert!(en.error.is_ascii() && en.hint.is_ascii(), "{p:?}: {en:?}");
            assert_ne!(en.error, zh.error, "{p:?}");
            // Chinese sentences end as Chinese sentences do, and use full-width commas,
            // colons and semicolons between Chinese words.
            for text in [&zh.error, &zh.hint] {
                assert!(text.ends_with('。'), "{p:?}: {text}");
                assert!(!text.contains(", ") && !text.contains("; "), "{p:?}: {text}");
                assert!(
                    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{p:?}: {text}"
                );
            }
            assert!(p.status().is_client_error() || p.status().is_server_error(), "{p:?}");
        }
    }

    #[test]
    fn limits_are_named_in_units_people_read() {
        assert_eq!(
            Problem::Timeout(Duration::from_secs(10)).message(Lang::En),
            "the request was not sent and answered within 10 s"
        );
        assert_eq!(
            Problem::Timeout(Duration::from_millis(2500)).message(Lang::ZhCn),
            "请求未能在 2.5 秒内发送完毕并得到应答。"
        );
        assert_eq!(
            Problem::TooLarge(16 * 1024).message(Lang::En),
            "the body is larger than 16 KiB"
        );
    }
}
