//! Remedies: what a person should do, in the order to do it. Each finding code maps to at
//! most one kind of remedy; the report lists each remedy once, first things first.

use serde::Serialize;

use super::{ReportFinding, Subject};
use crate::validate::{Code, Field, Lang, Severity};

/// A kind of remedy, in the order people should try them.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RemedyKind {
    /// Correct an input field.
    FixField,
    /// Use a card of a supported brand, bank or kind.
    UseSupportedCard,
    /// Update the app.
    UpdateApp,
    /// Set the device clock right.
    FixClock,
    /// Wait for maintenance or a rate limit to end.
    Wait,
    /// Switch networks (Wi-Fi ↔ mobile data).
    SwitchNetwork,
    /// Use another DNS resolver.
    ChangeDns,
    /// Try again when the service is less busy.
    TryOffPeak,
    /// Free storage or memory.
    FreeResources,
    /// Contact support with this report.
    ContactSupport,
}

/// One thing to do.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct Remedy {
    pub kind: RemedyKind,
    /// The field to correct (`fix_field`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<Field>,
    /// When to try again (`wait`), RFC 3339 UTC, when the service said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// The step, in the report's language.
    pub text: String,
}

/// The remedy kind a finding calls for, if any.
pub fn kind_for(code: Code, severity: Severity) -> Option<RemedyKind> {
    use Code::*;
    use RemedyKind::*;
    // An expiring certificate is the operators' to renew: a warning for people, no action.
    if severity == Severity::Info || (code == NetTlsExpiring && severity == Severity::Warning) {
        return None;
    }
    let area = code.as_str().split('.').next().unwrap_or_default();
    Some(match code {
        CardBrandNotAllowed | CardBinNotSupported | CardKindNotAllowed | CardUnknownBrand => UseSupportedCard,
        AppOutdated | AppVersionInvalid => UpdateApp,
        NetClockSkew | NetTlsNotYetValid => FixClock,
        NetHttpMaintenance | NetHttpRateLimited => Wait,
        NetPathLocal | NetPathEnds | NetLossHigh | NetJitterHigh | NetConnectTimeout | NetUnreachable
        | NetSlowConnect | NetIpv6Broken | NetTlsUntrusted | NetTlsNameMismatch | NetHttpFailed | NetSlowTls => {
            SwitchNetwork
        }
        NetDnsNxdomain | NetDnsServfail | NetDnsTimeout | NetDnsFailed | NetDnsDivergent | NetSlowDns => ChangeDns,
        NetSlowServer | NetHttpTimeout | NetTlsTimeout => TryOffPeak,
        EnvLowDisk | EnvLowMemory => FreeResources,
        // Beyond the local network: switching networks comes from the loss itself; the
        // trace adds the other half, telling support.
        NetPathBeyond | NetConnectRefused | NetHttpStatus | NetTlsFailed | NetTlsExpired | NetTlsExpiring
        | NetNotMeasured | NetTlsInsecure => ContactSupport,
        _ if matches!(
            area,
            "phone" | "email" | "card" | "expiry" | "cvv" | "id" | "name" | "mail"
        ) =>
        {
            FixField
        }
        _ => return None,
    })
}

fn field_label(field: Field, lang: Lang) -> &'static str {
    match (lang, field) {
        (Lang::En, Field::Phone) => "phone number",
        (Lang::En, Field::Email) => "email address",
        (Lang::En, Field::Card) => "card number",
        (Lang::En, Field::Expiry) => "card expiry date",
        (Lang::En, Field::Cvv) => "card security code",
        (Lang::En, Field::IdNumber) => "ID number",
        (Lang::En, Field::Name) => "cardholder name",
        (Lang::ZhCn, f) => f.label(Lang::ZhCn),
    }
}

fn text(kind: RemedyKind, field: Option<Field>, until: Option<&str>, lang: Lang) -> String {
    use RemedyKind::*;
    match (lang, kind) {
        (Lang::En, FixField) => format!(
            "Correct the {} (the findings below say what is wrong).",
            field.map_or("inputs", |f| field_label(f, lang))
        ),
        (Lang::ZhCn, FixField) => format!(
            "请更正{}（问题见下方）。",
            field.map_or("填写的信息", |f| field_label(f, lang))
        ),
        (Lang::En, UseSupportedCard) => "Use a card of a brand, bank and kind the wallet supports.".into(),
        (Lang::ZhCn, UseSupportedCard) => "请使用钱包支持的卡组织、银行和卡种的银行卡。".into(),
        (Lang::En, UpdateApp) => "Update the app from the official app store.".into(),
        (Lang::ZhCn, UpdateApp) => "请从官方应用商店更新应用。".into(),
        (Lang::En, FixClock) => "Set the device's date and time to automatic (network time).".into(),
        (Lang::ZhCn, FixClock) => "请将设备的日期和时间设为自动（网络时间）。".into(),
        (Lang::En, Wait) => match until {
            Some(t) => format!("Wait until {t} (the service asked for it), then try once."),
            None => "Wait a while (the service is in maintenance or limiting requests), then try once.".into(),
        },
        (Lang::ZhCn, Wait) => match until {
            Some(t) => format!("请等到 {t}（服务方要求）后再试一次。"),
            None => "请稍等一段时间（服务正在维护或限流）后再试一次。".into(),
        },
        (Lang::En, SwitchNetwork) => "Switch networks (Wi-Fi ↔ mobile data) or move closer to the router.".into(),
        (Lang::ZhCn, SwitchNetwork) => "请切换网络（Wi-Fi ↔ 移动数据），或靠近路由器。".into(),
        (Lang::En, ChangeDns) => "Use another DNS resolver, or switch networks.".into(),
        (Lang::ZhCn, ChangeDns) => "请更换 DNS 服务器，或换一个网络。".into(),
        (Lang::En, TryOffPeak) => "Try again later, off-peak: the service is slow.".into(),
        (Lang::ZhCn, TryOffPeak) => "服务响应慢，请错峰稍后再试。".into(),
        (Lang::En, FreeResources) => "Free some storage and memory on the device.".into(),
        (Lang::ZhCn, FreeResources) => "请清理设备的存储空间和内存。".into(),
        (Lang::En, ContactSupport) => {
            "Contact the wallet's support and attach this report (personal data in it is masked: it is safe to share)."
                .into()
        }
        (Lang::ZhCn, ContactSupport) => "请联系钱包客服并附上本报告（其中个人信息已脱敏，可以放心分享）。".into(),
    }
}

/// The remedies for `findings`, each once, first things first. `until` is the earliest time a
/// service asked to come back, for the wait remedy. A blocked report always ends with
/// contacting support.
pub fn remedies(findings: &[ReportFinding], until: Option<&str>, blocked: bool, lang: Lang) -> Vec<Remedy> {
    let mut wanted: Vec<(RemedyKind, Option<Field>)> = Vec::new();
    for f in findings {
        let Some(kind) = kind_for(f.code, f.severity) else {
            continue;
        };
        let field = match (&f.subject, kind) {
            (Subject::Field(field), RemedyKind::FixField) => Some(*field),
            (Subject::Mail(_), RemedyKind::FixField) => Some(Field::Email),
            _ => None,
        };
        if !wanted.contains(&(kind, field)) {
            wanted.push((kind, field));
        }
    }
    if blocked && !wanted.iter().any(|(k, _)| *k == RemedyKind::ContactSupport) {
        wanted.push((RemedyKind::ContactSupport, None));
    }
    // Errors' remedies before warnings' within a kind does not matter: the kind order does.
    wanted.sort_by_key(|(kind, field)| (*kind, field.map(|f| Field::ALL.iter().position(|x| *x == f))));
    wanted
        .into_iter()
        .map(|(kind, field)| Remedy {
            kind,
            field,
            until: (kind == RemedyKind::Wait).then(|| until.map(str::to_owned)).flatten(),
            text: text(kind, field, until, lang),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(code: Code, subject: Subject) -> ReportFinding {
        ReportFinding::new(code, code.severity(), subject, None, Lang::En)
    }

    #[test]
    fn remedies_come_in_order_once_each() {
        let findings = [
            f(Code::NetLossHigh, Subject::Endpoint("https://a".into())),
            f(Code::CardBrandNotAllowed, Subject::Field(Field::Card)),
            f(Code::PhoneTooShort, Subject::Field(Field::Phone)),
            f(Code::NetLossHigh, Subject::Endpoint("https://b".into())),
            f(Code::NetHttpMaintenance, Subject::Endpoint("https://a".into())),
            f(Code::EnvProxy, Subject::Environment),
        ];
        let r = remedies(&findings, Some("2026-11-26T09:00:00Z"), true, Lang::En);
        let kinds: Vec<RemedyKind> = r.iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            [
                RemedyKind::FixField,
                RemedyKind::UseSupportedCard,
                RemedyKind::Wait,
                RemedyKind::SwitchNetwork,
                RemedyKind::ContactSupport
            ]
        );
        assert_eq!(r[0].field, Some(Field::Phone));
        assert!(r[0].text.contains("phone number"));
        assert_eq!(r[2].until.as_deref(), Some("2026-11-26T09:00:00Z"));
        assert!(r[2].text.contains("2026-11-26T09:00:00Z"));
    }

    #[test]
    fn every_code_has_a_remedy_or_is_informational() {
        for &code in Code::ALL {
            // At error severity every code calls for something (an expiring certificate's
            // warning deliberately does not).
            let kind = kind_for(code, code.severity()).or_else(|| kind_for(code, Severity::Error));
            assert!(
                kind.is_some() || code.severity() == Severity::Info,
                "{code} has no remedy"
            );
        }
    }

    #[test]
    fn a_ready_report_needs_nothing() {
        assert!(remedies(&[], None, false, Lang::ZhCn).is_empty());
    }
}
