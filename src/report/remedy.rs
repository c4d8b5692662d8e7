//! Remedies: what a person should do, in the order to do it. Each finding code maps to at
//! most one kind of remedy; the report lists each remedy once, first things first.

use serde::Serialize;
use std::collections::HashMap;

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
    /// Get this device online.
    ConnectNetwork,
    /// Sign in on the network's captive portal page.
    SignIn,
    /// Correct, sign in to, or turn off the proxy.
    CheckProxy,
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
    /// The codes of the findings this step addresses, causes and what follows from them.
    pub addresses: Vec<Code>,
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
        NetClockSkew | NetTlsNotYetValid | NetClockWrong => FixClock,
        NetOffline => ConnectNetwork,
        NetCaptivePortal => SignIn,
        NetProxyUnreachable | NetProxyAuthRequired | NetProxyRefused | NetProxyTimeout => CheckProxy,
        NetHttpMaintenance | NetHttpRateLimited => Wait,
        NetPathLocal | NetPathEnds | NetLossHigh | NetJitterHigh | NetConnectTimeout | NetUnreachable
        | NetSlowConnect | NetIpv6Broken | NetTlsUntrusted | NetTlsNameMismatch | NetHttpFailed | NetSlowTls
        | NetAllRefused | NetTlsIntercepted | NetTlsAllFailing | NetRedirectRefused | NetProxyIntercepts => {
            SwitchNetwork
        }
        NetDnsNxdomain | NetDnsServfail | NetDnsTimeout | NetDnsFailed | NetDnsDivergent | NetSlowDns
        | NetDnsBroken => ChangeDns,
        NetSlowServer | NetHttpTimeout | NetTlsTimeout => TryOffPeak,
        EnvLowDisk | EnvLowMemory => FreeResources,
        // Beyond the local network: switching networks comes from the loss itself; the
        // trace adds the other half, telling support.
        NetPathBeyond
        | NetConnectRefused
        | NetHttpStatus
        | NetTlsFailed
        | NetTlsExpired
        | NetTlsExpiring
        | NetNotMeasured
        | NetTlsInsecure
        | NetHttpRetryAfterUnrepresentable
        | NetRedirectOtherHost
        | NetAppPathFails => ContactSupport,
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

/// The step a remedy kind stands for, in general words (`bindcheck explain`): no field, no time.
pub fn describe(kind: RemedyKind, lang: Lang) -> String {
    text(kind, None, None, lang)
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
            // No space after a full-width bracket; one between Latin text and Chinese.
            Some(t) => {
                let gap = if t.ends_with('）') { "" } else { " " };
                format!("请等到 {t}{gap}之后再试一次，这是服务方要求的时间。")
            }
            None => "请稍等一段时间（服务正在维护或限流）后再试一次。".into(),
        },
        (Lang::En, SignIn) => {
            "Sign in on the Wi-Fi network's page first (open any web page in a browser), or switch to mobile data; then run the check again."
                .into()
        }
        (Lang::ZhCn, SignIn) => "请先在 Wi-Fi 网络的登录页面上登录（在浏览器中打开任意网页），或切换到移动数据；然后重新检查。".into(),
        (Lang::En, CheckProxy) => "Check the proxy setting: correct it, sign in to it, or turn it off.".into(),
        (Lang::ZhCn, CheckProxy) => "请检查代理设置：改正它、登录它，或关闭它。".into(),
        (Lang::En, ConnectNetwork) => "Connect to Wi-Fi or mobile data, then run the check again.".into(),
        (Lang::ZhCn, ConnectNetwork) => "请连接 Wi-Fi 或移动数据，然后重新检查。".into(),
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

/// Remedies whose text is the same whatever finding calls for them; the others take the
/// specific advice of the most pressing finding they address (an untrusted certificate and a
/// weak signal both call for another network, for different reasons). Contacting support
/// takes the finding's advice too when a finding calls for it (an expired certificate: check
/// the clock first), and the general text when it closes a blocked report.
fn generic(kind: RemedyKind) -> bool {
    use RemedyKind::*;
    matches!(
        kind,
        FixField | UseSupportedCard | UpdateApp | ConnectNetwork | SignIn | Wait | ContactSupport
    )
}

/// One remedy being gathered.
struct Wanted {
    kind: RemedyKind,
    field: Option<Field>,
    /// The first (most pressing) finding that calls for it.
    lead: usize,
    /// Some finding it addresses, or that follows from one, blocks the bind.
    blocking: bool,
    /// It addresses a root cause.
    root: bool,
    /// A finding calls for it (rather than the report being blocked).
    called: bool,
    addresses: Vec<Code>,
}

impl Wanted {
    fn address(&mut self, code: Code) {
        if !self.addresses.contains(&code) {
            self.addresses.push(code);
        }
    }
}

/// The remedies for `findings` (as [`rules`](super::rules) orders them: causes first), each
/// once, in the order that unblocks most: what blocks the bind before what only slows it,
/// a cause before what follows from it, then by kind. A finding that follows from a cause
/// is addressed by the cause's remedy. `until` is the latest time a service asked to come
/// back, for the wait remedy: RFC 3339 UTC for [`Remedy::until`], and as the reader's text
/// shows it ([`super::time::local`]). A blocked report always ends with contacting support.
pub fn remedies(findings: &[ReportFinding], until: Option<(&str, &str)>, blocked: bool, lang: Lang) -> Vec<Remedy> {
    let mut wanted: Vec<Wanted> = Vec::new();
    // What each cause explains, looked up once: scanning every finding for every finding
    // is quadratic, and a profile may have thousands of endpoints.
    let mut effects_of: HashMap<Code, Vec<&ReportFinding>> = HashMap::new();
    for e in findings {
        if let Some(cause) = e.caused_by {
            effects_of.entry(cause).or_default().push(e);
        }
    }
    for (i, f) in findings.iter().enumerate() {
        if f.caused_by.is_some() {
            continue;
        }
        let Some(kind) = kind_for(f.code, f.severity) else {
            continue;
        };
        let field = match (&f.subject, kind) {
            (Subject::Field(field), RemedyKind::FixField) => Some(*field),
            (Subject::Mail(_), RemedyKind::FixField) => Some(Field::Email),
            _ => None,
        };
        let effects = || effects_of.get(&f.code).into_iter().flatten().copied();
        let w = match wanted.iter_mut().position(|w| w.kind == kind && w.field == field) {
            Some(at) => &mut wanted[at],
            None => {
                wanted.push(Wanted {
                    kind,
                    field,
                    lead: i,
                    blocking: false,
                    root: false,
                    called: true,
                    addresses: Vec::new(),
                });
                wanted.last_mut().expect("just pushed")
            }
        };
        w.blocking |= f.severity == Severity::Error || effects().any(|e| e.severity == Severity::Error);
        w.root |= effects().next().is_some();
        w.address(f.code);
        for e in effects() {
            w.address(e.code);
        }
    }
    if blocked && !wanted.iter().any(|w| w.kind == RemedyKind::ContactSupport) {
        let mut support = Wanted {
            kind: RemedyKind::ContactSupport,
            field: None,
            lead: 0,
            blocking: true,
            root: false,
            called: false,
            addresses: Vec::new(),
        };
        for f in findings.iter().filter(|f| f.severity == Severity::Error) {
            support.address(f.code);
        }
        wanted.push(support);
    }
    let field_order = |f: Option<Field>| f.map(|f| Field::ALL.iter().position(|x| *x == f));
    wanted.sort_by_key(|w| (!w.blocking, !w.root, w.kind, field_order(w.field)));
    // Contacting support that no finding asked for closes the list.
    wanted.sort_by_key(|w| w.kind == RemedyKind::ContactSupport && !w.called);
    wanted
        .into_iter()
        .map(|w| Remedy {
            kind: w.kind,
            field: w.field,
            until: (w.kind == RemedyKind::Wait)
                .then(|| until.map(|(utc, _)| utc.to_owned()))
                .flatten(),
            text: if generic(w.kind) && !(w.kind == RemedyKind::ContactSupport && w.called) {
                text(w.kind, w.field, until.map(|(_, local)| local), lang)
            } else {
                findings[w.lead].hint.clone()
            },
            addresses: w.addresses,
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
        let until = ("2026-11-26T09:00:00Z", "2026-11-26 17:00:00 Asia/Shanghai (UTC+08:00)");
        let r = remedies(&findings, Some(until), true, Lang::En);
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
        assert!(
            r[2].text.contains("2026-11-26 17:00:00 Asia/Shanghai"),
            "the person reads their own time: {}",
            r[2].text
        );
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
    fn a_blocking_remedy_comes_before_a_warnings() {
        let findings = [
            f(Code::EmailTypo, Subject::Field(Field::Email)),
            f(Code::NetHttpTimeout, Subject::Endpoint("https://a".into())),
        ];
        let r = remedies(&findings, None, true, Lang::En);
        let kinds: Vec<RemedyKind> = r.iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            [RemedyKind::TryOffPeak, RemedyKind::FixField, RemedyKind::ContactSupport]
        );
        assert_eq!(r[0].addresses, [Code::NetHttpTimeout]);
        assert_eq!(r[1].addresses, [Code::EmailTypo]);
    }

    #[test]
    fn an_untrusted_certificate_is_not_told_to_move_closer_to_the_router() {
        for lang in [Lang::En, Lang::ZhCn] {
            let code = Code::NetTlsUntrusted;
            let findings = [ReportFinding::new(
                code,
                code.severity(),
                Subject::Endpoint("https://a".into()),
                None,
                lang,
            )];
            let r = remedies(&findings, None, true, lang);
            assert_eq!(r[0].kind, RemedyKind::SwitchNetwork);
            assert_eq!(r[0].text, Code::NetTlsUntrusted.hint(lang));
            assert!(
                !r[0].text.contains("router") && !r[0].text.contains("路由器"),
                "{}",
                r[0].text
            );
        }
    }

    #[test]
    fn a_cause_is_fixed_before_what_follows_from_it() {
        let mut expired = f(Code::NetTlsExpired, Subject::Endpoint("https://a".into()));
        expired.caused_by = Some(Code::NetClockSkew);
        let mut skew = f(Code::NetClockSkew, Subject::Endpoint("https://b".into()));
        skew.severity = Severity::Warning;
        let loss = f(Code::NetLossHigh, Subject::Endpoint("https://c".into()));
        let r = remedies(&[skew, loss, expired], None, true, Lang::En);
        assert_eq!(r[0].kind, RemedyKind::FixClock, "{r:?}");
        assert_eq!(r[0].addresses, [Code::NetClockSkew, Code::NetTlsExpired]);
        let support = r.last().unwrap();
        assert_eq!(support.kind, RemedyKind::ContactSupport);
        assert!(support.addresses.contains(&Code::NetTlsExpired), "{support:?}");

        // Twenty lookups failing on a broken DNS are one step.
        let mut findings = vec![f(Code::NetDnsBroken, Subject::Environment)];
        for host in ["a", "b", "c"] {
            let mut nx = f(Code::NetDnsNxdomain, Subject::Endpoint(format!("https://{host}")));
            nx.caused_by = Some(Code::NetDnsBroken);
            findings.push(nx);
        }
        let r = remedies(&findings, None, true, Lang::En);
        assert_eq!(r.len(), 2, "{r:?}");
        assert_eq!(r[0].kind, RemedyKind::ChangeDns);
        assert_eq!(r[0].addresses, [Code::NetDnsBroken, Code::NetDnsNxdomain]);
    }

    #[test]
    fn a_ready_report_needs_nothing() {
        assert!(remedies(&[], None, false, Lang::ZhCn).is_empty());
    }
}
