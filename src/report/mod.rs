//! The readiness report: every check's result, the findings with their stable codes, a
//! verdict, and remedies ordered by what to do first. Built once, in one language, from the
//! validators' and probes' results ([`rules`]); rendered by [`render`].

mod causes;
pub mod docs;
pub mod explain;
pub mod remedy;
pub mod render;
pub mod rules;
pub mod time;

use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

use crate::probe::env::Environment;
use crate::probe::{EndpointReport, MailResult};
use crate::validate::{Code, Date, Detail, Field, FieldView, FieldViews, Lang, Severity};
pub use remedy::{Remedy, RemedyKind};

/// The version of the JSON report (docs/report.md). It changes only when a field is removed
/// or changes meaning; fields may be added.
pub const SCHEMA_VERSION: u32 = 1;

/// The current time as reports give it: RFC 3339, UTC, whole seconds.
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// Today's date in UTC, from the system clock (card expiry is judged against it).
pub fn today_utc() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Date::from_unix_days((secs / 86_400) as i64)
}

/// Whether a bind attempt will work.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Nothing found that would stop or slow a bind.
    Ready,
    /// It will probably work, but something is off.
    Degraded,
    /// It will fail.
    Blocked,
}

impl Verdict {
    pub fn from_findings(findings: &[ReportFinding]) -> Verdict {
        match findings.iter().map(|f| f.severity).max() {
            Some(Severity::Error) => Verdict::Blocked,
            Some(Severity::Warning) => Verdict::Degraded,
            _ => Verdict::Ready,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ready => "ready",
            Verdict::Degraded => "degraded",
            Verdict::Blocked => "blocked",
        }
    }
}

/// What a finding is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    Field(Field),
    Endpoint(String),
    Mail(String),
    App,
    Environment,
}

impl Subject {
    /// A short name: the field, the endpoint URL, the mail domain, `app` or `environment`.
    pub fn name(&self) -> String {
        match self {
            Subject::Field(f) => f.as_str().to_owned(),
            Subject::Endpoint(url) => url.clone(),
            Subject::Mail(domain) => format!("mail:{domain}"),
            Subject::App => "app".to_owned(),
            Subject::Environment => "environment".to_owned(),
        }
    }

    /// The name for a reader of `lang`: the field's label, the endpoint URL, the mail domain,
    /// the app or the environment.
    pub fn label(&self, lang: Lang) -> String {
        match (self, lang) {
            (Subject::Field(f), _) => f.label(lang).to_owned(),
            (Subject::Endpoint(url), _) => url.clone(),
            (Subject::Mail(domain), Lang::En) => format!("mail domain {domain}"),
            (Subject::Mail(domain), Lang::ZhCn) => format!("邮箱域名 {domain}"),
            (Subject::App, Lang::En) => "app".to_owned(),
            (Subject::App, Lang::ZhCn) => "应用".to_owned(),
            (Subject::Environment, Lang::En) => "this device".to_owned(),
            (Subject::Environment, Lang::ZhCn) => "本机环境".to_owned(),
        }
    }

    /// The report area: `inputs`, `endpoints`, `app` or `environment`.
    pub fn area(&self) -> &'static str {
        match self {
            Subject::Field(_) | Subject::Mail(_) => "inputs",
            Subject::Endpoint(_) => "endpoints",
            Subject::App => "app",
            Subject::Environment => "environment",
        }
    }
}

impl Serialize for Subject {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Subject", 2)?;
        match self {
            Subject::Field(f) => {
                st.serialize_field("kind", "field")?;
                st.serialize_field("field", f.as_str())?;
            }
            Subject::Endpoint(url) => {
                st.serialize_field("kind", "endpoint")?;
                st.serialize_field("url", url)?;
            }
            Subject::Mail(domain) => {
                st.serialize_field("kind", "mail")?;
                st.serialize_field("domain", domain)?;
            }
            Subject::App => st.serialize_field("kind", "app")?,
            Subject::Environment => st.serialize_field("kind", "environment")?,
        }
        st.end()
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Subject {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Subject".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "required": ["kind"],
            "properties": {
                "kind": { "type": "string", "enum": ["field", "endpoint", "mail", "app", "environment"] },
                "field": { "type": "string", "enum": Field::ALL.iter().map(|f| f.as_str()).collect::<Vec<_>>() },
                "url": { "type": "string" },
                "domain": { "type": "string" }
            },
            "additionalProperties": false
        })
    }
}

/// A finding of the report, its texts in the report's language.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct ReportFinding {
    pub code: Code,
    pub severity: Severity,
    pub subject: Subject,
    pub message: String,
    pub hint: String,
    /// The root cause this finding follows from (a finding of the report with that code,
    /// listed before it): fix that first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caused_by: Option<Code>,
}

impl ReportFinding {
    /// A finding with `detail` filling the code's placeholders, in `lang`.
    pub fn new(code: Code, severity: Severity, subject: Subject, detail: Option<Detail>, lang: Lang) -> ReportFinding {
        let fill = |t: &str| t.replace("{detail}", detail.as_ref().map_or("?", |d| d.get(lang)));
        ReportFinding {
            code,
            severity,
            subject,
            message: fill(code.message(lang)),
            hint: fill(code.hint(lang)),
            caused_by: None,
        }
    }
}

/// The app version given, against the profile's minimum.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct AppCheck {
    pub version: String,
    pub min_version: Option<String>,
    pub ok: bool,
}

/// The profile the report was made with.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct ProfileRef {
    pub name: String,
    /// The name for Chinese readers, when the profile gives one (`name_zh`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_zh: Option<String>,
    /// A path, `default (embedded)` or `command line`.
    pub source: String,
}

impl ProfileRef {
    /// The name for a reader of `lang`.
    pub fn name_in(&self, lang: Lang) -> &str {
        match (lang, &self.name_zh) {
            (Lang::ZhCn, Some(zh)) => zh,
            _ => &self.name,
        }
    }

    /// Where the profile came from, for a reader of `lang`.
    pub fn source_in(&self, lang: Lang) -> &str {
        use crate::profile::{COMMAND_LINE_SOURCE, EMBEDDED_SOURCE};
        match (lang, self.source.as_str()) {
            (Lang::ZhCn, EMBEDDED_SOURCE) => "默认（内置）",
            (Lang::ZhCn, COMMAND_LINE_SOURCE) => "命令行",
            (Lang::En, EMBEDDED_SOURCE) => "built in",
            (_, other) => other,
        }
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for FieldViews {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FieldViews".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let view = generator.subschema_for::<FieldView>();
        let properties: serde_json::Map<String, serde_json::Value> = Field::ALL
            .iter()
            .map(|f| (f.as_str().to_owned(), view.clone().to_value()))
            .collect();
        schemars::json_schema!({ "type": "object", "properties": properties, "additionalProperties": false })
    }
}

/// Everything a check found, ready to render.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    #[cfg_attr(feature = "schemars", schemars(extend("const" = SCHEMA_VERSION)))]
    pub schema_version: u32,
    pub bindcheck_version: &'static str,
    /// RFC 3339, UTC.
    pub generated_at: String,
    /// When the run started, RFC 3339, UTC, whole seconds (`generated_at` is when it ended).
    /// JUnit's suites carry it as `timestamp`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    pub lang: Lang,
    pub profile: ProfileRef,
    pub verdict: Verdict,
    /// What to do, first things first.
    pub remedies: Vec<Remedy>,
    pub findings: Vec<ReportFinding>,
    /// The checked inputs, masked unless `unmasked`.
    pub inputs: FieldViews,
    /// The versions of the data the inputs were judged by.
    pub data: crate::validate::DataVersions,
    pub mail: Option<MailResult>,
    pub app: Option<AppCheck>,
    pub endpoints: Vec<EndpointReport>,
    /// The connectivity checks that look for a captive portal (empty when none ran).
    pub connectivity: Vec<crate::probe::portal::ConnectivityCheck>,
    pub environment: Option<Environment>,
    /// Personal values are shown in full (`--unmasked`): this report is not safe to share.
    pub unmasked: bool,
    /// The name of the machine the check ran on, only in an unmasked report: a hostname can
    /// name a person ("alices-macbook"). JUnit's suites carry it as `hostname`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    pub duration_ms: f64,
    /// The zone the human text gives times in ([`time::local`]); machine fields stay UTC.
    #[serde(skip)]
    #[cfg_attr(feature = "schemars", schemars(skip))]
    pub time_zone: time::TimeZone,
}

impl Report {
    /// The JSON Schema of the report (docs/report.schema.json is this, pretty-printed).
    pub fn json_schema() -> serde_json::Value {
        docs::output_schema::<Report>(
            "report",
            &format!("bindcheck report, schema_version {SCHEMA_VERSION}"),
            SCHEMA_VERSION,
        )
    }

    /// The number of findings of each severity: (errors, warnings, infos).
    pub fn counts(&self) -> (usize, usize, usize) {
        let n = |s| self.findings.iter().filter(|f| f.severity == s).count();
        (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
    }
}
