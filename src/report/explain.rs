//! `bindcheck explain`: what a finding code means, and what the error prompts wallets show
//! (`绑定失败`, `系统繁忙`, "Card not supported", ...) usually mean, with the steps to take.
//! Text is matched loosely: punctuation, spaces and case do not matter, and a close spelling
//! is enough.

use crate::validate::{Code, Lang};

/// How wallets word a prompt, in Chinese and in English.
pub struct Texts {
    pub zh: &'static [&'static str],
    pub en: &'static [&'static str],
}

/// An error prompt wallets show, with its usual causes and the steps to take.
pub struct Prompt {
    /// How wallets word it.
    pub texts: Texts,
    pub causes: (&'static str, &'static str),
    pub steps: (&'static str, &'static str),
    /// The finding codes that find these causes before a bind attempt.
    pub codes: &'static [Code],
}

impl Prompt {
    /// How wallets word it for readers of `lang`.
    pub fn texts(&self, lang: Lang) -> &'static [&'static str] {
        lang.pick(self.texts.en, self.texts.zh)
    }

    /// Every wording, Chinese first.
    pub fn all_texts(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.texts.zh.iter().chain(self.texts.en).copied()
    }

    pub fn causes(&self, lang: Lang) -> &'static str {
        lang.pick(self.causes.0, self.causes.1)
    }

    pub fn steps(&self, lang: Lang) -> &'static str {
        lang.pick(self.steps.0, self.steps.1)
    }
}

use Code::*;

/// The prompts bindcheck knows.
pub static PROMPTS: &[Prompt] = &[
    Prompt {
        texts: Texts {
            zh: &["绑定失败", "绑卡失败", "添加银行卡失败"],
            en: &["Binding failed", "Failed to add card", "Could not link card"],
        },
        causes: (
            "A mistyped field, a card the wallet does not support, a phone that cannot receive the code, a weak network, or a busy server.",
            "某项信息填错、钱包不支持该卡、手机号收不到验证码、网络不好，或服务器繁忙。",
        ),
        steps: (
            "Run `bindcheck check` with the same inputs: it names the cause and what to do first.",
            "用相同的信息运行 `bindcheck check`：它会指出原因以及应先做什么。",
        ),
        codes: &[CardLuhn, CardBrandNotAllowed, PhoneNotMobile, NetLossHigh, NetHttpMaintenance],
    },
    Prompt {
        texts: Texts {
            zh: &["信息不正确", "信息有误", "信息不一致", "身份信息不匹配"],
            en: &["Information incorrect", "Details do not match", "Information mismatch"],
        },
        causes: (
            "The name, ID number, phone or card does not match what the bank has on record, or one of them has a typo.",
            "姓名、身份证号、手机号或卡号与银行预留信息不一致，或其中某项有输入错误。",
        ),
        steps: (
            "Check each field (bindcheck validate finds typos), and use the phone number and name the bank has on record.",
            "逐项核对（bindcheck validate 可发现输入错误），并使用银行预留的手机号和姓名。",
        ),
        codes: &[IdChecksum, NameMixedScript, CardLuhn, PhoneInvalid],
    },
    Prompt {
        texts: Texts {
            zh: &["网络错误", "网络异常", "网络连接失败", "网络不给力"],
            en: &["Network error", "No internet connection", "Connection failed"],
        },
        causes: (
            "No route to the wallet, DNS failing or hijacked, heavy packet loss, or a proxy or firewall in the way.",
            "无法连到钱包服务器、DNS 解析失败或被劫持、严重丢包，或被代理、防火墙阻断。",
        ),
        steps: (
            "Switch networks (Wi-Fi ↔ mobile data); `bindcheck check` shows which step of the path fails.",
            "切换网络（Wi-Fi ↔ 移动数据）；`bindcheck check` 会显示连接路径上哪一步失败。",
        ),
        codes: &[NetDnsTimeout, NetDnsDivergent, NetConnectTimeout, NetLossHigh, NetUnreachable],
    },
    Prompt {
        texts: Texts {
            zh: &["验证码错误", "验证码已过期", "验证码失效", "收不到验证码"],
            en: &["Invalid verification code", "Code expired", "Didn't receive the code"],
        },
        causes: (
            "A mistyped or old code, a phone number that cannot receive SMS (fixed line, service number), or a device clock far off.",
            "验证码输错或已过期，手机号无法接收短信（固定电话、服务号码），或设备时钟偏差过大。",
        ),
        steps: (
            "Use the newest code; bind a mobile number; set the date and time to automatic.",
            "使用最新的验证码；绑定手机号码；将日期和时间设为自动。",
        ),
        codes: &[PhoneNotMobile, PhoneMaybeNotMobile, NetClockSkew],
    },
    Prompt {
        texts: Texts {
            zh: &["银行卡不支持", "暂不支持该银行卡", "不支持此卡"],
            en: &["Card not supported", "This card type is not supported", "Unsupported card"],
        },
        causes: (
            "The wallet does not accept this card's brand, issuing bank or kind (often: credit cards for a debit-only wallet).",
            "钱包不接受该卡的卡组织、发卡行或卡种（常见：只支持借记卡的钱包绑了信用卡）。",
        ),
        steps: ("Use a card of a supported brand, bank and kind.", "请使用钱包支持的卡组织、银行和卡种的卡。"),
        codes: &[CardBrandNotAllowed, CardBinNotSupported, CardKindNotAllowed, CardUnknownBrand],
    },
    Prompt {
        texts: Texts {
            zh: &["系统繁忙", "服务器繁忙", "请稍后再试", "服务暂不可用"],
            en: &["System busy", "Server busy", "Please try again later", "Service unavailable"],
        },
        causes: (
            "The wallet's servers are overloaded, under maintenance, or limiting requests.",
            "钱包服务器负载过高、正在维护，或正在限流。",
        ),
        steps: (
            "Wait (bindcheck shows the time the server asked for), then try once; try off-peak.",
            "请等待（bindcheck 会显示服务器要求的时间）后再试一次；尽量错峰。",
        ),
        codes: &[NetHttpMaintenance, NetHttpRateLimited, NetSlowServer, NetHttpTimeout],
    },
    Prompt {
        texts: Texts {
            zh: &["系统维护", "维护中", "系统升级中"],
            en: &["Under maintenance", "Scheduled maintenance"],
        },
        causes: ("The service is down for maintenance.", "服务正在维护。"),
        steps: ("Wait until the time shown, then try again.", "请等到所示时间后再试。"),
        codes: &[NetHttpMaintenance],
    },
    Prompt {
        texts: Texts {
            zh: &["操作频繁", "请求过于频繁", "尝试次数过多"],
            en: &["Too many attempts", "Too many requests"],
        },
        causes: ("Too many tries in a short time: the service is limiting requests.", "短时间内尝试次数过多，服务正在限流。"),
        steps: ("Stop retrying; wait until the time shown, then try once.", "请停止重试；等到所示时间后再试一次。"),
        codes: &[NetHttpRateLimited],
    },
    Prompt {
        texts: Texts {
            zh: &["证书错误", "证书无效", "连接不安全", "安全证书有问题"],
            en: &["Certificate error", "Your connection is not private", "SSL error"],
        },
        causes: (
            "The network intercepts secure connections (public or company Wi-Fi, a captive portal), the device clock is wrong, or the server's certificate expired.",
            "网络在拦截安全连接（公共或公司 Wi-Fi、认证页面），设备时钟错误，或服务器证书已过期。",
        ),
        steps: (
            "Set the date and time to automatic; switch to mobile data; never accept an unknown certificate.",
            "将日期和时间设为自动；切换到移动数据；不要信任未知证书。",
        ),
        codes: &[NetTlsUntrusted, NetTlsNameMismatch, NetTlsExpired, NetTlsNotYetValid, NetClockSkew],
    },
    Prompt {
        texts: Texts {
            zh: &["请求超时", "连接超时", "加载超时"],
            en: &["Request timed out", "Connection timed out"],
        },
        causes: ("A slow or lossy network, or a slow server.", "网络慢或丢包，或服务器响应慢。"),
        steps: ("Switch networks, or try again off-peak.", "请切换网络，或错峰重试。"),
        codes: &[NetConnectTimeout, NetHttpTimeout, NetLossHigh, NetSlowServer],
    },
    Prompt {
        texts: Texts {
            zh: &["手机号格式不正确", "手机号码有误", "请输入正确的手机号"],
            en: &["Invalid phone number", "Enter a valid phone number"],
        },
        causes: ("A missing or extra digit, a wrong prefix, or a number from another region without its country code.", "漏输或多输数字、号段错误，或其他地区的号码没有加国家或地区代码。"),
        steps: ("Check the number; write numbers from outside the mainland with + and the country code.", "请核对号码；大陆以外的号码请以 + 加国家或地区代码填写。"),
        codes: &[PhoneTooShort, PhoneTooLong, PhoneInvalid, PhoneNoRegion],
    },
    Prompt {
        texts: Texts {
            zh: &["卡号错误", "卡号有误", "请输入正确的卡号"],
            en: &["Invalid card number", "Card number is incorrect"],
        },
        causes: ("A mistyped or swapped digit, or a missing digit.", "输错或颠倒了某位数字，或漏输了数字。"),
        steps: ("Compare each digit with the card.", "请逐位与卡面核对。"),
        codes: &[CardLuhn, CardTooShort, CardTooLong, CardInvalidLength, CardInvalidCharacter],
    },
    Prompt {
        texts: Texts {
            zh: &["卡已过期", "银行卡已过期", "有效期错误"],
            en: &["Card expired", "Invalid expiry date"],
        },
        causes: ("The card's expiry date has passed, or month and year are swapped.", "卡片已过有效期，或月份与年份颠倒。"),
        steps: ("Use a valid card; enter the date as on the card (MM/YY).", "请使用有效期内的卡；按卡面格式（MM/YY）填写。"),
        codes: &[ExpiryExpired, ExpiryMonth, ExpiryFormat],
    },
    Prompt {
        texts: Texts {
            zh: &["身份证号错误", "身份证号码有误", "证件号码不正确"],
            en: &["Invalid ID number"],
        },
        causes: ("A mistyped character (the last one is a check character), or an old 15-digit number.", "输错了某一位（最后一位是校验码），或使用了旧的 15 位号码。"),
        steps: ("Compare each character with the ID card; use the 18-character number.", "请逐位与身份证核对；使用 18 位号码。"),
        codes: &[IdChecksum, IdFormat, IdLegacy, IdBirthDate],
    },
    Prompt {
        texts: Texts {
            zh: &["版本过低", "请升级到最新版本", "请更新应用"],
            en: &["Please update the app", "App version not supported"],
        },
        causes: ("The app is older than the oldest version the wallet still accepts.", "应用版本低于钱包仍支持的最低版本。"),
        steps: ("Update the app from the official app store.", "请从官方应用商店更新应用。"),
        codes: &[AppOutdated],
    },
    Prompt {
        texts: Texts {
            zh: &["邮箱格式不正确", "收不到邮件", "邮件发送失败"],
            en: &["Invalid email address", "Verification email not received"],
        },
        causes: ("A typo in the address or its domain, or a domain that does not receive mail.", "邮箱地址或域名有误，或该域名不接收邮件。"),
        steps: ("Check the domain (qq.com, not qq.con); use another address if the domain takes no mail.", "请检查域名（qq.com 而不是 qq.con）；如果该域名不收邮件，请改用其他邮箱。"),
        codes: &[EmailTypo, MailNoDomain, MailNullMx, MailNoHost],
    },
    Prompt {
        texts: Texts {
            zh: &["时间不正确", "系统时间错误", "请校准时间"],
            en: &["Check your date and time", "Clock is wrong"],
        },
        causes: ("The device clock is far off: one-time codes and secure connections fail.", "设备时钟偏差过大：一次性验证码和安全连接都会失败。"),
        steps: ("Set the date and time to automatic (network time).", "请将日期和时间设为自动（网络时间）。"),
        codes: &[NetClockSkew, NetTlsNotYetValid],
    },
];

/// Lower-cased, without spaces, punctuation or symbols: how texts are compared.
fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// What a query matched.
pub enum Match {
    Code(Code),
    Prompt(&'static Prompt),
}

/// How well `query` matches `text`, 0 to 1.
fn score(query: &str, text: &str) -> f64 {
    let (q, t) = (normalize(query), normalize(text));
    if q.is_empty() || t.is_empty() {
        return 0.0;
    }
    if q == t {
        return 1.0;
    }
    if t.contains(&q) || q.contains(&t) {
        let (short, long) = if q.len() < t.len() { (&q, &t) } else { (&t, &q) };
        return 0.8 + 0.2 * short.chars().count() as f64 / long.chars().count() as f64;
    }
    strsim::normalized_levenshtein(&q, &t)
}

/// The best matches for `query`, best first: an exact finding code, else prompts and codes
/// whose text is close enough.
pub fn find(query: &str) -> Vec<Match> {
    if let Ok(code) = query.trim().parse::<Code>() {
        return vec![Match::Code(code)];
    }
    let mut scored: Vec<(f64, Match)> = Vec::new();
    for p in PROMPTS {
        let best = p.all_texts().map(|t| score(query, t)).fold(0.0, f64::max);
        if best >= 0.6 {
            scored.push((best, Match::Prompt(p)));
        }
    }
    for &code in Code::ALL {
        let name = code.as_str().split('.').nth(1).unwrap_or_default().replace('_', " ");
        let best = [
            score(query, code.as_str()),
            score(query, &name),
            score(query, code.message(Lang::En)),
            score(query, code.message(Lang::ZhCn)),
        ]
        .into_iter()
        .fold(0.0, f64::max);
        if best >= 0.75 {
            scored.push((best, Match::Code(code)));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(5).map(|(_, m)| m).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_prompt(q: &str) -> &'static str {
        match find(q).first() {
            Some(Match::Prompt(p)) => p.texts.zh[0],
            Some(Match::Code(c)) => c.as_str(),
            None => "",
        }
    }

    #[test]
    fn prompts_match_loosely() {
        assert_eq!(first_prompt("绑定失败"), "绑定失败");
        assert_eq!(first_prompt("绑定失败！"), "绑定失败");
        assert_eq!(first_prompt("系统繁忙，请稍后再试"), "系统繁忙");
        assert_eq!(first_prompt("card not supported"), "银行卡不支持");
        assert_eq!(first_prompt("Card NOT supportd"), "银行卡不支持");
        assert_eq!(first_prompt("验证码错误"), "验证码错误");
        assert_eq!(first_prompt("网络异常"), "网络错误");
        assert!(find("completely unrelated words").is_empty());
    }

    #[test]
    fn codes_match_exactly_and_by_name() {
        assert!(matches!(find("card.luhn").as_slice(), [Match::Code(Code::CardLuhn)]));
        assert!(matches!(
            find("clock skew").first(),
            Some(Match::Code(Code::NetClockSkew))
        ));
    }

    #[test]
    fn every_prompt_points_at_codes_in_both_languages() {
        for p in PROMPTS {
            assert!(!p.codes.is_empty());
            let chinese = |t: &&str| t.chars().any(|c| (c as u32) > 0x2E80);
            assert!(
                !p.texts.zh.is_empty() && p.texts.zh.iter().all(chinese),
                "{:?}",
                p.texts.zh
            );
            assert!(
                !p.texts.en.is_empty() && p.texts.en.iter().all(|t| t.is_ascii()),
                "{:?}",
                p.texts.en
            );
            assert!(!p.causes(Lang::ZhCn).is_empty() && !p.steps(Lang::En).is_empty());
        }
    }
}
