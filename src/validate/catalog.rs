//! The catalog of finding codes: one stable string per code, its default severity, and
//! its message and hint in English and Simplified Chinese.
//!
//! Codes are a public interface (docs/codes.md, `bindcheck explain`): add new ones
//! freely, but renaming or removing one is a breaking change.

use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

use super::finding::{Lang, Severity};

macro_rules! catalog {
    ($(
        $variant:ident = $code:literal, $sev:ident,
        en($en_msg:literal, $en_hint:literal),
        zh($zh_msg:literal, $zh_hint:literal);
    )*) => {
        /// A stable finding code such as `phone.too_short`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code { $( #[doc = $en_msg] $variant, )* }

        impl Code {
            /// Every code, in catalog order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The stable string, e.g. `card.luhn`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            /// The severity a finding with this code has unless the check says otherwise.
            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            /// The message template (`{detail}` is filled in by [`super::Finding`]).
            pub fn message(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $( (Code::$variant, Lang::En) => $en_msg,
                       (Code::$variant, Lang::ZhCn) => $zh_msg, )*
                }
            }

            /// The hint template: what to do.
            pub fn hint(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $( (Code::$variant, Lang::En) => $en_hint,
                       (Code::$variant, Lang::ZhCn) => $zh_hint, )*
                }
            }
        }

        impl FromStr for Code {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Code, UnknownCode> {
                match s { $( $code => Ok(Code::$variant), )* _ => Err(UnknownCode(s.to_owned())) }
            }
        }
    };
}

catalog! {
    // ---- phone ----
    PhoneEmpty = "phone.empty", Error,
        en("No phone number was given.", "Enter the mobile number that should receive the verification code."),
        zh("未填写手机号码。", "请输入用于接收验证码的手机号码。");
    PhoneNotANumber = "phone.not_a_number", Error,
        en("This does not look like a phone number: it contains letters, symbols or invisible characters.",
           "Use digits, spaces, dashes and an optional leading + only, for example 138 0013 8000 or +86 138 0013 8000."),
        zh("这不像电话号码：其中含有字母、符号或不可见字符。", "只使用数字、空格、短横线和开头的 +，例如 138 0013 8000 或 +86 138 0013 8000。");
    PhoneNoRegion = "phone.no_region", Error,
        en("The number is written without a country code, and no default region is set.",
           "Write it in international form, starting with + and the country code (mainland China is +86)."),
        zh("号码没有国家或地区代码，且未设置默认地区。", "请按国际格式填写：以 + 和国家或地区代码开头（中国大陆为 +86）。");
    PhoneInvalidCountryCode = "phone.invalid_country_code", Error,
        en("The country calling code does not exist.",
           "Check the digits after + or 00: mainland China is +86, Hong Kong +852, Macao +853, Taiwan +886."),
        zh("国家或地区代码不存在。", "请检查 + 或 00 之后的数字：中国大陆 +86，香港 +852，澳门 +853，台湾 +886。");
    PhoneTooShort = "phone.too_short", Error,
        en("The number has too few digits for {detail}.",
           "Check for a missing digit (mainland mobile numbers have 11 digits), and include the area code for fixed lines."),
        zh("号码位数太少（{detail}）。", "请检查是否漏了数字（大陆手机号为 11 位），固定电话需加区号。");
    PhoneTooLong = "phone.too_long", Error,
        en("The number has too many digits for {detail}.", "Check for an extra or repeated digit."),
        zh("号码位数太多（{detail}）。", "请检查是否多输或重复输入了数字。");
    PhoneInvalidLength = "phone.invalid_length", Error,
        en("No number in {detail} has this many digits.", "Check for a missing or extra digit."),
        zh("{detail} 没有这种长度的号码。", "请检查是否漏输或多输了数字。");
    PhoneInvalid = "phone.invalid", Error,
        en("This is not a number in use in {detail}: its prefix or length does not match any number range.",
           "Check the digits; if the number is from another region, write it with + and that region's code."),
        zh("这不是 {detail} 在用的号码：号段或长度与任何号码段都不符。", "请核对数字；如果是其他地区的号码，请以 + 加该地区代码填写。");
    PhoneNotMobile = "phone.not_mobile", Error,
        en("This is a {detail} number, which cannot receive SMS verification codes.",
           "Use a mobile number that can receive SMS."),
        zh("这是{detail}号码，无法接收短信验证码。", "请使用能接收短信的手机号码。");
    PhoneMaybeNotMobile = "phone.maybe_not_mobile", Warning,
        en("This number may be a fixed line; SMS verification codes might not arrive.",
           "If no code arrives, use a number you know is a mobile."),
        zh("此号码可能是固定电话，可能收不到短信验证码。", "如果收不到验证码，请改用确定是手机的号码。");
    PhoneRegionNotAllowed = "phone.region_not_allowed", Error,
        en("Numbers from {detail} are not accepted by this wallet.",
           "Use a number from one of the wallet's supported regions."),
        zh("此钱包不接受 {detail} 的号码。", "请使用钱包支持地区的号码。");
    PhoneExtension = "phone.extension", Warning,
        en("The number has an extension; SMS cannot reach an extension.",
           "Remove the extension (the part after ext, x, # or 转)."),
        zh("号码带有分机号，短信无法送达分机。", "请删去分机部分（ext、x、# 或“转”之后的数字）。");
    PhoneVirtualOperator = "phone.virtual_operator", Warning,
        en("This is a virtual operator's number (on the {detail} network): many banks and wallets refuse such numbers for binding.",
           "If the bind is refused, use a number from China Mobile, China Unicom, China Telecom or China Broadnet."),
        zh("这是虚拟运营商号码（使用{detail}网络），许多银行和钱包不接受用它绑定。", "如果绑定被拒，请改用中国移动、中国联通、中国电信或中国广电的号码。");
    PhoneVirtualOperatorRefused = "phone.virtual_operator_refused", Error,
        en("This is a virtual operator's number (on the {detail} network), which this wallet does not accept for binding.",
           "Use a number from China Mobile, China Unicom, China Telecom or China Broadnet."),
        zh("这是虚拟运营商号码（使用{detail}网络），此钱包不接受用它绑定。", "请改用中国移动、中国联通、中国电信或中国广电的号码。");
    PhoneDataOnly = "phone.data_only", Warning,
        en("This number is on a data-card or IoT segment ({detail}), which may not receive SMS verification codes.",
           "Use the number of a phone that receives text messages."),
        zh("此号码属于上网卡或物联网号段（{detail}），可能收不到短信验证码。", "请使用能收短信的手机号码。");
    PhoneSatellite = "phone.satellite", Warning,
        en("This is a satellite phone number ({detail}): SMS verification codes may not arrive, or may cost extra.",
           "Use an ordinary mobile number if you have one."),
        zh("这是卫星电话号码（{detail}），短信验证码可能收不到或需额外付费。", "如有普通手机号码，请改用它。");

    // ---- email ----
    EmailEmpty = "email.empty", Error,
        en("No email address was given.", "Enter the address that should receive the verification email."),
        zh("未填写电子邮箱。", "请输入用于接收验证邮件的邮箱地址。");
    EmailMissingAt = "email.missing_at", Error,
        en("The address has no @.", "An email address looks like name@example.com."),
        zh("邮箱地址中没有 @。", "邮箱地址的格式类似 name@example.com。");
    EmailMultipleAt = "email.multiple_at", Error,
        en("The address has more than one @ (a full-width ＠ counts too).", "Keep a single @, between the name and the domain."),
        zh("邮箱地址中有不止一个 @（全角的 ＠ 也算）。", "请只保留一个 @，放在用户名和域名之间。");
    EmailDisplayName = "email.display_name", Error,
        en("The input has a display name or angle brackets around the address.",
           "Enter the address alone, for example name@example.com."),
        zh("输入中含有显示名称或尖括号。", "请只填写邮箱地址本身，例如 name@example.com。");
    EmailWhitespace = "email.whitespace", Error,
        en("The address contains a space.", "Remove the spaces; input methods sometimes add one after @ or a dot."),
        zh("邮箱地址中含有空格。", "请删除空格；输入法有时会在 @ 或点号后自动加空格。");
    EmailInvisibleCharacter = "email.invisible_character", Error,
        en("The address contains an invisible or control character, often pasted from a chat app.",
           "Type the address again instead of pasting it."),
        zh("邮箱地址中含有不可见字符或控制字符，常见于从聊天软件粘贴。", "请手动重新输入，不要粘贴。");
    EmailLocalEmpty = "email.local_empty", Error,
        en("There is nothing before the @.", "Add the mailbox name before the @."),
        zh("@ 前面没有内容。", "请在 @ 前填写邮箱用户名。");
    EmailLocalTooLong = "email.local_too_long", Error,
        en("The part before the @ is longer than 64 characters.", "Check the address; mail systems refuse longer names."),
        zh("@ 前面的部分超过 64 个字符。", "请核对地址；邮件系统不接受更长的用户名。");
    EmailLocalInvalid = "email.local_invalid", Error,
        en("The part before the @ has characters or dots that mail systems refuse.",
           "Use letters, digits and . _ - +, with no dot at the start or end and no two dots in a row."),
        zh("@ 前面的部分含有邮件系统不接受的字符或点号。", "请只用字母、数字和 . _ - +；点号不能在开头、结尾，也不能连续出现。");
    EmailQuotedLocal = "email.quoted_local", Error,
        en("Quoted names (\"…\"@domain) are not accepted here.", "Use an address without quotation marks."),
        zh("不接受带引号的用户名（\"…\"@域名）。", "请使用不带引号的邮箱地址。");
    EmailTooLong = "email.too_long", Error,
        en("The address is longer than 254 characters.", "Check the address; no mail system accepts longer ones."),
        zh("邮箱地址超过 254 个字符。", "请核对地址；邮件系统不接受更长的地址。");
    EmailDomainEmpty = "email.domain_empty", Error,
        en("There is nothing after the @.", "Add the mail domain after the @, for example qq.com."),
        zh("@ 后面没有内容。", "请在 @ 后填写邮箱域名，例如 qq.com。");
    EmailIpLiteral = "email.ip_literal", Error,
        en("The domain is an IP address in brackets, which is not accepted here.", "Use an address with a domain name."),
        zh("域名是方括号中的 IP 地址，此处不接受。", "请使用带域名的邮箱地址。");
    EmailDomainSingleLabel = "email.domain_single_label", Error,
        en("The domain has no dot, so mail cannot be delivered to it.", "Complete the domain, for example qq.com or gmail.com."),
        zh("域名中没有点号，邮件无法投递。", "请补全域名，例如 qq.com 或 gmail.com。");
    EmailDomainLabelEmpty = "email.domain_label_empty", Error,
        en("The domain has two dots in a row, or a dot at its start or end.", "Remove the extra dot."),
        zh("域名中有连续的点号，或以点号开头或结尾。", "请删除多余的点号。");
    EmailDomainLabelTooLong = "email.domain_label_too_long", Error,
        en("A part of the domain is longer than 63 characters.", "Check the domain."),
        zh("域名中某一段超过 63 个字符。", "请核对域名。");
    EmailDomainTooLong = "email.domain_too_long", Error,
        en("The domain is longer than 253 characters.", "Check the domain."),
        zh("域名超过 253 个字符。", "请核对域名。");
    EmailDomainInvalid = "email.domain_invalid", Error,
        en("The domain has characters host names cannot have ({detail}).",
           "Domains use letters, digits and hyphens only; check for _ or other symbols."),
        zh("域名中含有主机名不允许的字符（{detail}）。", "域名只能包含字母、数字和短横线；请检查是否有 _ 等符号。");
    EmailDomainHyphen = "email.domain_hyphen", Error,
        en("A part of the domain has a hyphen where host names cannot: first, last, or as both its third and fourth characters (which only xn-- names may).",
           "Check the hyphens in the domain."),
        zh("域名中某一段的短横线位置不对：不能在开头或结尾，第三、四个字符也不能都是短横线（只有 xn-- 开头的国际化域名可以）。",
           "请检查域名中的短横线。");
    EmailTldNumeric = "email.tld_numeric", Error,
        en("The last part of the domain is all digits.", "Check the end of the domain, for example .com or .cn."),
        zh("域名最后一段全是数字。", "请检查域名结尾，例如 .com 或 .cn。");
    EmailTldInvalid = "email.tld_invalid", Error,
        en("The last part of the domain is not a top-level domain: those are two or more letters, such as .com or .cn.",
           "Check the end of the domain for a typo."),
        zh("域名最后一段不是有效的顶级域名：顶级域名由两个或更多字母组成，例如 .com 或 .cn。", "请检查域名结尾是否输错。");
    EmailSpecialUseDomain = "email.special_use_domain", Error,
        en("{detail} is a reserved name that cannot receive mail from the internet.", "Use a real mailbox."),
        zh("{detail} 是保留域名，无法接收互联网邮件。", "请使用真实的邮箱。");
    EmailIdnInvalid = "email.idn_invalid", Error,
        en("The domain is not a valid internationalized domain name.", "Check the domain's spelling."),
        zh("域名不是有效的国际化域名。", "请检查域名的拼写。");
    EmailTypo = "email.typo", Warning,
        en("The domain looks like a typo: did you mean {detail}?", "If so, correct the domain to {detail}."),
        zh("域名可能拼错了：是不是 {detail}？", "如果是，请将域名改为 {detail}。");
    EmailFolded = "email.folded", Warning,
        en("Full-width characters before the @ were read as ordinary ones: {detail}.",
           "Check that this is the address; type addresses with the input method in half-width mode."),
        zh("@ 前面的全角字符已按半角字符读取：{detail}。", "请确认这就是您的邮箱地址；输入邮箱时请把输入法切换到半角。");

    // ---- card ----
    CardEmpty = "card.empty", Error,
        en("No card number was given.", "Enter the digits on the front of the card."),
        zh("未填写银行卡号。", "请输入卡片正面的卡号。");
    CardInvalidCharacter = "card.invalid_character", Error,
        en("The card number contains something other than digits ({detail}).",
           "Enter only the digits; spaces and dashes between groups are fine."),
        zh("卡号中含有数字以外的字符（{detail}）。", "请只输入数字；分组之间的空格或短横线没有问题。");
    CardTooShort = "card.too_short", Error,
        en("The card number has too few digits (expected {detail}).", "Check for a missing digit."),
        zh("卡号位数太少（应为 {detail} 位）。", "请检查是否漏输了数字。");
    CardTooLong = "card.too_long", Error,
        en("The card number has too many digits (expected {detail}).", "Check for an extra or repeated digit."),
        zh("卡号位数太多（应为 {detail} 位）。", "请检查是否多输或重复输入了数字。");
    CardInvalidLength = "card.invalid_length", Error,
        en("Cards of this brand do not have this many digits (expected {detail}).", "Check for a missing or extra digit."),
        zh("此卡组织的卡号没有这种长度（应为 {detail} 位）。", "请检查是否漏输或多输了数字。");
    CardLuhn = "card.luhn", Error,
        en("The card number fails its check digit: a digit is probably mistyped or two are swapped.",
           "Compare each digit with the card.{detail}"),
        zh("卡号校验位不符：可能输错了某位数字或颠倒了两位。", "请逐位与卡面核对。{detail}");
    CardUnknownBrand = "card.unknown_brand", Error,
        en("The card brand cannot be recognised from its first digits.",
           "Check the first digits; if they are right, the wallet may not support this card."),
        zh("无法根据卡号开头识别卡组织。", "请核对卡号开头几位；如果无误，钱包可能不支持此卡。");
    CardBrandNotAllowed = "card.brand_not_allowed", Error,
        en("{detail} cards are not supported by this wallet.", "Use a card of one of the wallet's supported brands."),
        zh("此钱包不支持这一卡组织：{detail}。", "请使用钱包支持的卡组织的银行卡。");
    CardBinNotSupported = "card.bin_not_supported", Error,
        en("The bank that issued this card is not supported by this wallet.", "Use a card from one of the wallet's supported banks."),
        zh("此钱包不支持该发卡银行。", "请使用钱包支持的银行所发的卡。");
    CardKindNotAllowed = "card.kind_not_allowed", Error,
        en("{detail} cards are not supported by this wallet.", "Use a card of a kind the wallet supports (often a debit card)."),
        zh("此钱包不支持{detail}。", "请使用钱包支持的卡种（通常是借记卡）。");

    // ---- expiry ----
    ExpiryEmpty = "expiry.empty", Error,
        en("No expiry date was given.", "Enter the date printed on the card as MM/YY."),
        zh("未填写有效期。", "请按 MM/YY 格式填写卡面上的有效期。");
    ExpiryFormat = "expiry.format", Error,
        en("The expiry date is not in a form like MM/YY.", "Write it as on the card: MM/YY, MM/YYYY or MMYY."),
        zh("有效期格式不对。", "请按卡面填写：MM/YY、MM/YYYY 或 MMYY。");
    ExpiryMonth = "expiry.month", Error,
        en("The month of the expiry date must be 01 to 12.", "Check the month; it comes first."),
        zh("有效期的月份必须在 01 到 12 之间。", "请核对月份；月份在前。");
    ExpiryExpired = "expiry.expired", Error,
        en("The card expired at the end of {detail}.", "Use a card that has not expired, or ask the bank for a new one."),
        zh("此卡已于 {detail} 月底过期。", "请使用未过期的卡，或向银行申请换卡。");
    ExpiryTooFar = "expiry.too_far", Error,
        en("The expiry date {detail} is implausibly far in the future.", "Check the year; month and year may be swapped."),
        zh("有效期 {detail} 过于遥远，不太可能。", "请核对年份；月份和年份可能颠倒了。");

    // ---- cvv ----
    CvvEmpty = "cvv.empty", Error,
        en("No security code was given.", "Enter the code printed on the card (on the back; on the front for American Express)."),
        zh("未填写安全码。", "请输入卡片上的安全码（在卡背面；美国运通卡在正面）。");
    CvvFormat = "cvv.format", Error,
        en("The security code must be digits only.", "Enter the 3 or 4 digits printed on the card."),
        zh("安全码只能是数字。", "请输入卡片上印的 3 或 4 位数字。");
    CvvLength = "cvv.length", Error,
        en("The security code must have {detail} digits.", "Check the code on the card."),
        zh("安全码应为 {detail} 位数字。", "请核对卡片上的安全码。");

    // ---- identity ----
    IdEmpty = "id.empty", Error,
        en("No ID number was given.", "Enter the 18-character number on the resident identity card."),
        zh("未填写身份证号。", "请输入居民身份证上的 18 位号码。");
    IdFormat = "id.format", Error,
        en("A resident ID number has 17 digits followed by a digit or X.", "Check the number for missing, extra or wrong characters."),
        zh("居民身份证号由 17 位数字加 1 位数字或 X 组成。", "请检查是否漏输、多输或输错了字符。");
    IdLegacy = "id.legacy", Error,
        en("This is an old 15-digit ID number, which is no longer accepted.", "Use the 18-character number on a current identity card."),
        zh("这是旧的 15 位身份证号，已不再使用。", "请使用现行身份证上的 18 位号码。");
    IdChecksum = "id.checksum", Error,
        en("The last character (the check digit) does not match: a character is probably mistyped.",
           "Compare each character with the ID card."),
        zh("最后一位校验码不符：可能输错了某一位。", "请逐位与身份证核对。");
    IdBirthDate = "id.birth_date", Error,
        en("The birth date in the ID number is not a real date.", "Check digits 7 to 14 (the birth date, YYYYMMDD)."),
        zh("身份证号中的出生日期不是有效日期。", "请核对第 7 至 14 位（出生日期，YYYYMMDD）。");
    IdBirthFuture = "id.birth_future", Error,
        en("The birth date in the ID number is in the future.", "Check digits 7 to 14 (the birth date, YYYYMMDD)."),
        zh("身份证号中的出生日期在未来。", "请核对第 7 至 14 位（出生日期，YYYYMMDD）。");
    IdRegion = "id.region", Error,
        en("The first two digits are not a province code.", "Check the first six digits (the region of registration)."),
        zh("前两位不是有效的省级行政区代码。", "请核对前六位（户籍所在地代码）。");

    // ---- name ----
    NameEmpty = "name.empty", Error,
        en("No cardholder name was given.", "Enter the name exactly as the bank has it."),
        zh("未填写持卡人姓名。", "请按银行预留的姓名填写。");
    NameDigits = "name.digits", Error,
        en("The name contains digits.", "Enter the name only, without numbers."),
        zh("姓名中含有数字。", "请只填写姓名，不要包含数字。");
    NameInvalidCharacter = "name.invalid_character", Error,
        en("The name contains symbols names do not have ({detail}).", "Use letters, spaces, the middle dot ·, hyphens and apostrophes only."),
        zh("姓名中含有不应出现的符号（{detail}）。", "只使用文字、空格、间隔号 ·、短横线和撇号。");
    NameTooShort = "name.too_short", Error,
        en("The name is too short to be a full name.", "Enter the full name as the bank has it."),
        zh("姓名太短，不像完整姓名。", "请填写银行预留的完整姓名。");
    NameTooLong = "name.too_long", Error,
        en("The name is implausibly long.", "Enter the name exactly as the bank has it."),
        zh("姓名过长，不太可能。", "请按银行预留的姓名填写。");
    NameMixedScript = "name.mixed_script", Error,
        en("The name mixes writing systems (for example Chinese characters and Latin letters).",
           "Write the name in one script, as the bank has it."),
        zh("姓名混用了不同文字（例如汉字与拉丁字母）。", "请按银行预留的写法，用同一种文字填写。");

    // ---- app ----
    AppOutdated = "app.outdated", Error,
        en("The app version {detail} is older than the wallet's minimum.", "Update the app from the official app store, then try binding again."),
        zh("应用版本 {detail} 低于钱包要求的最低版本。", "请从官方应用商店更新应用后再尝试绑定。");
    AppVersionInvalid = "app.version_invalid", Error,
        en("The app version is not in a form like 10.5.0.", "Copy the version from the app's About page."),
        zh("应用版本格式不对，应类似 10.5.0。", "请从应用的“关于”页面复制版本号。");

    // ---- mail ----
    MailNoDomain = "mail.no_domain", Error,
        en("The email domain {detail} does not exist, so the verification email cannot arrive.", "Check the part after the @, or use another address."),
        zh("邮箱域名 {detail} 不存在，验证邮件无法送达。", "请检查 @ 后面的部分，或改用其他邮箱。");
    MailNullMx = "mail.null_mx", Error,
        en("The domain {detail} declares that it accepts no email (null MX).", "Use an address at a domain that receives mail."),
        zh("域名 {detail} 声明不接收任何邮件（空 MX）。", "请使用能接收邮件的域名下的邮箱。");
    MailNoHost = "mail.no_mail_host", Error,
        en("The domain {detail} has no mail server (no MX and no address records).", "Check the domain, or use another address."),
        zh("域名 {detail} 没有邮件服务器（既无 MX 也无地址记录）。", "请检查域名，或改用其他邮箱。");
    MailUnknown = "mail.unknown", Warning,
        en("Whether {detail} receives mail could not be checked (the lookup failed).", "Try again later; if the email does not arrive, use another address."),
        zh("无法确认 {detail} 能否接收邮件（查询失败）。", "请稍后再试；如果收不到邮件，请改用其他邮箱。");

    // ---- net ----
    NetDnsNxdomain = "net.dns_nxdomain", Error,
        en("The name {detail} does not exist in DNS.", "Check the network's DNS: switch to another network or set another DNS resolver; if it persists, contact support."),
        zh("域名 {detail} 在 DNS 中不存在。", "请检查网络的 DNS：换一个网络或更换 DNS 服务器；如果持续出现，请联系客服。");
    NetDnsServfail = "net.dns_servfail", Error,
        en("The DNS resolver failed to resolve {detail}.", "Switch to another DNS resolver or another network."),
        zh("DNS 服务器无法解析 {detail}。", "请更换 DNS 服务器或换一个网络。");
    NetDnsTimeout = "net.dns_timeout", Error,
        en("Looking up {detail} timed out.", "The network or its DNS is not answering: switch networks (Wi-Fi ↔ mobile data) or DNS resolver."),
        zh("解析 {detail} 超时。", "网络或其 DNS 没有响应：请切换网络（Wi-Fi ↔ 移动数据）或更换 DNS 服务器。");
    NetDnsFailed = "net.dns_failed", Error,
        en("Looking up {detail} failed.", "Switch to another network or DNS resolver."),
        zh("解析 {detail} 失败。", "请换一个网络或 DNS 服务器。");
    NetDnsDivergent = "net.dns_divergent", Warning,
        en("DNS resolvers disagree about {detail}: this network's DNS may be hijacked or polluted.", "Use a trusted DNS resolver, or switch from public Wi-Fi to mobile data."),
        zh("不同 DNS 服务器对 {detail} 的解析结果不一致：当前网络的 DNS 可能被劫持或污染。", "请使用可信的 DNS 服务器，或从公共 Wi-Fi 切换到移动数据。");
    NetConnectRefused = "net.connect_refused", Error,
        en("The server refused the connection ({detail}).", "The service may be down; wait and try again, or contact support with this report."),
        zh("服务器拒绝了连接（{detail}）。", "服务可能暂时不可用；请稍后重试，或附上本报告联系客服。");
    NetConnectTimeout = "net.connect_timeout", Error,
        en("Connecting to {detail} timed out.", "Switch networks (Wi-Fi ↔ mobile data); a firewall or a weak signal may block the connection."),
        zh("连接 {detail} 超时。", "请切换网络（Wi-Fi ↔ 移动数据）；可能是防火墙或信号弱阻断了连接。");
    NetUnreachable = "net.unreachable", Error,
        en("{detail} cannot be reached from this network.", "Switch networks (Wi-Fi ↔ mobile data) and check that the device is online."),
        zh("从当前网络无法访问 {detail}。", "请切换网络（Wi-Fi ↔ 移动数据），并确认设备已联网。");
    NetIpv6Broken = "net.ipv6_broken", Warning,
        en("{detail} has IPv6 addresses but none connects; apps that try IPv6 first will be slow or fail.", "Switch networks, or turn off IPv6 on this network."),
        zh("{detail} 有 IPv6 地址但都连不上；优先使用 IPv6 的应用会变慢或失败。", "请切换网络，或在当前网络关闭 IPv6。");
    NetTlsExpired = "net.tls_expired", Error,
        en("The server's certificate for {detail} has expired (or this device's clock is far ahead).", "Check that the device's date and time are right; if they are, contact support with this report."),
        zh("{detail} 的服务器证书已过期（或本机时钟严重超前）。", "请确认设备的日期和时间正确；如果正确，请附上本报告联系客服。");
    NetTlsNotYetValid = "net.tls_not_yet_valid", Error,
        en("The server's certificate for {detail} is not valid yet (or this device's clock is behind).", "Set the device's date and time to automatic, then try again."),
        zh("{detail} 的服务器证书尚未生效（或本机时钟落后）。", "请将设备的日期和时间设为自动，然后重试。");
    NetTlsUntrusted = "net.tls_untrusted", Error,
        en("The certificate of {detail} is not from a trusted authority: the network may be intercepting connections.", "Switch from public or company Wi-Fi to mobile data; do not accept unknown certificates."),
        zh("{detail} 的证书不是由受信任的机构签发：网络可能在拦截连接。", "请从公共或公司 Wi-Fi 切换到移动数据；不要信任未知证书。");
    NetTlsNameMismatch = "net.tls_name_mismatch", Error,
        en("The certificate presented for {detail} is for another name: the network may be redirecting connections.", "Switch networks (a captive portal or proxy may be in the way); if it persists, contact support."),
        zh("{detail} 出示的证书属于其他域名：网络可能在重定向连接。", "请切换网络（可能有认证页面或代理）；如果持续出现，请联系客服。");
    NetTlsFailed = "net.tls_failed", Error,
        en("The secure connection to {detail} failed.", "Switch networks; if it persists, contact support with this report."),
        zh("与 {detail} 的安全连接失败。", "请切换网络；如果持续出现，请附上本报告联系客服。");
    NetTlsTimeout = "net.tls_timeout", Error,
        en("The server at {detail} accepted the connection but did not finish the secure handshake in time: it is probably overloaded.", "Try again later, off-peak; if it persists on other networks too, contact support with this report."),
        zh("{detail} 的服务器接受了连接，但未能及时完成安全握手：可能负载过高。", "请错峰稍后重试；如果在其他网络下也持续出现，请附上本报告联系客服。");
    NetTlsExpiring = "net.tls_expiring", Warning,
        en("The certificate of {detail} expires soon.", "Nothing to do now; the wallet's operators should renew it (contact support if binds start failing)."),
        zh("{detail} 的证书即将过期。", "目前无需处理；钱包运营方应及时续期（如绑定开始失败，请联系客服）。");
    NetTlsInsecure = "net.tls_insecure", Warning,
        en("Certificate checks were turned off (--insecure) for this run.", "Do not rely on this report's TLS results; run again without --insecure."),
        zh("本次运行关闭了证书校验（--insecure）。", "本报告的 TLS 结果仅供参考；请去掉 --insecure 重新运行。");
    NetHttpMaintenance = "net.http_maintenance", Error,
        en("The service at {detail} is down for maintenance.", "Wait until the time shown and try again."),
        zh("{detail} 的服务正在维护。", "请等到所示时间后再试。");
    NetHttpRateLimited = "net.http_rate_limited", Error,
        en("The service at {detail} is limiting requests (too many attempts).", "Stop retrying; wait until the time shown, then try once."),
        zh("{detail} 的服务正在限流（尝试次数过多）。", "请停止重试；等到所示时间后再试一次。");
    NetHttpRetryAfterUnrepresentable = "net.http_retry_after_unrepresentable", Warning,
        en("The service at {detail} asked to be retried after a time bindcheck cannot represent (a Retry-After more than ten years away, or past the year 9999).",
           "Do not wait for that time: try again later, and if the service keeps refusing, contact support with this report."),
        zh("{detail} 的服务要求的重试时间超出了 bindcheck 能表示的范围（Retry-After 在十年以后，或晚于 9999 年）。",
           "不必等到那个时间：请稍后重试；如果服务一直拒绝，请附上本报告联系客服。");
    NetHttpStatus = "net.http_status", Error,
        en("The service answered with an unexpected status ({detail}).", "The service may be failing; try again later or contact support with this report."),
        zh("服务返回了意外的状态码（{detail}）。", "服务可能出现故障；请稍后重试，或附上本报告联系客服。");
    NetHttpTimeout = "net.http_timeout", Error,
        en("The service at {detail} did not answer in time: it is probably overloaded.", "Try again later, off-peak; if it persists on other networks too, contact support with this report."),
        zh("{detail} 的服务未能及时响应：可能负载过高。", "请错峰稍后重试；如果在其他网络下也持续出现，请附上本报告联系客服。");
    NetHttpFailed = "net.http_failed", Error,
        en("The request to {detail} failed (the connection broke or the answer was invalid).", "Switch networks and try again; if it persists, contact support with this report."),
        zh("对 {detail} 的请求失败（连接中断或响应无效）。", "请切换网络后重试；如果持续出现，请附上本报告联系客服。");
    NetRedirectRefused = "net.redirect_refused", Error,
        en("The service redirects to an internal address ({detail}), which bindcheck does not follow: on a public network this is usually a Wi-Fi sign-in page or a misconfigured proxy.", "Sign in to the Wi-Fi network (open any web page in a browser) or switch to mobile data; if you run this service, fix the redirect."),
        zh("服务重定向到内部地址（{detail}），bindcheck 不会跟随：在公共网络中这通常是 Wi-Fi 登录页面或配置错误的代理。", "请登录 Wi-Fi 网络（在浏览器中打开任意网页）或切换到移动数据；如果您是该服务的运营方，请修正该重定向。");
    NetRedirectOtherHost = "net.redirect_other_host", Error,
        en("The service redirects to another host ({detail}), which this server's profile does not let it follow.", "If the redirect is expected, add that host to the endpoint's redirect_hosts in the profile (docs/profile.md); otherwise contact the service's operators."),
        zh("服务重定向到另一个主机（{detail}），本服务的配置文件不允许跟随。", "如果该重定向是预期的，请把该主机加入配置文件中该端点的 redirect_hosts（见 docs/profile.md）；否则请联系服务运营方。");
    NetSlowDns = "net.slow_dns", Warning,
        en("DNS lookups are slow ({detail}).", "Try another DNS resolver or network."),
        zh("DNS 解析很慢（{detail}）。", "请更换 DNS 服务器或换一个网络。");
    NetSlowConnect = "net.slow_connect", Warning,
        en("Connecting takes long ({detail}).", "The network is slow: move closer to the router or switch to mobile data."),
        zh("建立连接耗时较长（{detail}）。", "网络较慢：请靠近路由器或切换到移动数据。");
    NetSlowTls = "net.slow_tls", Warning,
        en("The secure handshake takes long ({detail}).", "The network is slow: switch networks, or try again later."),
        zh("安全握手耗时较长（{detail}）。", "网络较慢：请切换网络或稍后重试。");
    NetSlowServer = "net.slow_server", Warning,
        en("The server takes long to answer ({detail}).", "The server is busy: try again later, off-peak."),
        zh("服务器响应很慢（{detail}）。", "服务器繁忙：请错峰稍后重试。");
    NetLossHigh = "net.loss_high", Warning,
        en("Packets are being lost on the way to the service ({detail}).", "Switch networks (Wi-Fi ↔ mobile data), or move closer to the router."),
        zh("到服务的网络正在丢包（{detail}）。", "请切换网络（Wi-Fi ↔ 移动数据），或靠近路由器。");
    NetJitterHigh = "net.jitter_high", Warning,
        en("The network's delay varies a lot ({detail}).", "Switch to a steadier network."),
        zh("网络延迟波动很大（{detail}）。", "请换一个更稳定的网络。");
    NetClockSkew = "net.clock_skew", Warning,
        en("This device's clock is off by {detail}; verification codes and secure connections depend on it.", "Set the date and time to automatic (network time), then try again."),
        zh("本机时钟偏差 {detail}；验证码和安全连接都依赖准确的时间。", "请将日期和时间设为自动（网络时间），然后重试。");
    NetPathLocal = "net.path_local", Warning,
        en("The path trace shows loss starting at the first hop: the local network ({detail}).",
           "Move closer to the Wi-Fi router, or switch to mobile data."),
        zh("路径追踪显示丢包从第一跳开始：问题在本地网络（{detail}）。", "请靠近 Wi-Fi 路由器，或切换到移动数据。");
    NetPathBeyond = "net.path_beyond", Warning,
        en("The path trace shows loss starting at hop {detail} and persisting: beyond the local network, at the provider or the wallet.",
           "Try another network; if it persists, wait and contact support with this report."),
        zh("路径追踪显示丢包从第 {detail} 跳开始并持续：问题在本地网络之外（运营商或钱包一侧）。", "请换一个网络尝试；如果持续，请稍后再试并附上本报告联系客服。");
    NetPathEnds = "net.path_ends", Warning,
        en("The path trace did not reach the destination; the last hop that answered: {detail}.",
           "The network drops traffic to the service: switch networks, or contact support with this report."),
        zh("路径追踪未到达目的地；最后应答的一跳：{detail}。", "网络丢弃了发往该服务的流量：请切换网络，或附上本报告联系客服。");
    NetProxyUnreachable = "net.proxy_unreachable", Error,
        en("The proxy in effect ({detail}) cannot be reached: an app that goes through it cannot reach the wallet.",
           "Check the proxy setting (HTTPS_PROXY, HTTP_PROXY or the system's proxy): correct its address, or turn it off if this network needs none."),
        zh("当前使用的代理（{detail}）无法连接：经由该代理的应用无法访问钱包。",
           "请检查代理设置（HTTPS_PROXY、HTTP_PROXY 或系统代理）：改正代理地址；如果当前网络不需要代理，请关闭它。");
    NetProxyAuthRequired = "net.proxy_auth_required", Error,
        en("The proxy ({detail}) wants a login: requests through it fail until it gets one.",
           "Sign in to the proxy: put the user name and password in the proxy setting (http://user:password@proxy:port), or ask the network's administrators."),
        zh("代理（{detail}）要求登录：在提供账号之前，经由它的请求都会失败。",
           "请登录代理：在代理设置中填写用户名和密码（http://用户名:密码@代理:端口），或联系网络管理员。");
    NetProxyRefused = "net.proxy_refused", Error,
        en("The proxy ({detail}) refuses to connect to the wallet's server.",
           "Ask the network's administrators to let the wallet's servers through the proxy, or use another network or mobile data."),
        zh("代理（{detail}）拒绝连接钱包的服务器。", "请联系网络管理员让代理放行钱包的服务器，或换一个网络、使用移动数据。");
    NetProxyTimeout = "net.proxy_timeout", Error,
        en("The proxy ({detail}) did not answer in time.",
           "The proxy is down or overloaded: try again later, use another network, or turn the proxy off if this network needs none."),
        zh("代理（{detail}）未能及时响应。", "代理可能宕机或过载：请稍后重试、换一个网络；如果当前网络不需要代理，请关闭它。");
    NetProxyIntercepts = "net.proxy_intercepts", Error,
        en("Through the proxy ({detail}), secure connections get a certificate from an authority this device does not trust, while the direct connection is fine: the proxy inspects secure connections.",
           "Use another network or mobile data, or turn the proxy off; do not install or accept the proxy's certificate for a wallet."),
        zh("经由代理（{detail}）时，安全连接收到的证书来自本机不信任的机构，而直连正常：该代理在检查（拦截）安全连接。",
           "请换一个网络或使用移动数据，或关闭代理；不要为钱包安装或信任该代理的证书。");
    NetAppPathFails = "net.app_path_fails", Error,
        en("The request as an app's HTTP stack makes it fails ({detail}), while bindcheck's own request to the same service gets through: the service mishandles something such stacks do (HTTP/2, compressed answers).",
           "Contact the wallet's support with this report: the fault is at the service, and switching networks will not help."),
        zh("按应用的 HTTP 协议栈发出的请求失败（{detail}），而 bindcheck 自己对同一服务的请求成功：服务端没有正确处理这类协议栈的某些行为（HTTP/2、压缩响应）。",
           "请附上本报告联系钱包客服：问题在服务端，切换网络无济于事。");
    NetDirectPathWorks = "net.direct_path_works", Info,
        en("The direct path to this service works: only the path through the proxy fails.", "Fix the proxy first (the finding above says how)."),
        zh("直连该服务正常：只有经由代理的路径失败。", "请先解决代理的问题（见上方的说明）。");
    NetProxyOnly = "net.proxy_only", Info,
        en("This network lets traffic out only through its proxy ({detail}): the direct measurements fail, but the app's path through the proxy works.",
           "Nothing to do for the bind; the direct measurements below are notes."),
        zh("当前网络只允许经由代理（{detail}）访问外网：直连测量失败，但应用经由代理的路径正常。", "绑定无需处理；下方的直连测量仅供参考。");
    NetCaptivePortal = "net.captive_portal", Error,
        en("This network answers for the internet itself ({detail}): a captive portal, as on hotel or café Wi-Fi, wants a sign-in before it lets traffic out.",
           "Sign in on the Wi-Fi network's page first (open any web page in a browser), or switch to mobile data; then run the check again."),
        zh("当前网络自行应答了外网请求（{detail}）：这是需要先登录的门户页面，常见于酒店或咖啡馆的 Wi-Fi，登录之前不放行流量。",
           "请先在 Wi-Fi 网络的登录页面上登录（在浏览器中打开任意网页），或切换到移动数据；然后重新检查。");
    NetOffline = "net.offline", Error,
        en("This device has no working network connection ({detail}), so no wallet server can be reached.",
           "Connect to Wi-Fi or mobile data (check airplane mode and the cable), then run the check again."),
        zh("本设备没有可用的网络连接（{detail}），无法访问任何钱包服务器。", "请连接 Wi-Fi 或移动数据（检查飞行模式和网线），然后重新检查。");
    NetDnsBroken = "net.dns_broken", Error,
        en("This network's DNS fails for every name ({detail}): the names are fine, the network's name service is not.",
           "Switch networks (Wi-Fi ↔ mobile data) or set another DNS resolver, then run the check again."),
        zh("当前网络的 DNS 对所有域名都解析失败（{detail}）：域名本身没有问题，是该网络的域名解析服务故障。", "请切换网络（Wi-Fi ↔ 移动数据）或更换 DNS 服务器，然后重新检查。");
    NetAllRefused = "net.all_refused", Error,
        en("Every server refused the connection ({detail}): a firewall on this network is probably blocking them.",
           "Switch networks (Wi-Fi ↔ mobile data); on a company network, ask its administrators to allow the wallet's servers."),
        zh("所有服务器都拒绝了连接（{detail}）：可能是当前网络的防火墙在拦截。", "请切换网络（Wi-Fi ↔ 移动数据）；如在公司网络，请联系网络管理员放行钱包的服务器。");
    NetTlsIntercepted = "net.tls_intercepted", Error,
        en("Every secure connection fails the same way, with a certificate from the same source ({detail}): this network inspects secure connections.",
           "Use another network or mobile data; do not install or accept the network's certificate for a wallet."),
        zh("所有安全连接都以同样的方式失败，证书来自同一个来源（{detail}）：当前网络在检查（拦截）安全连接。", "请换一个网络或使用移动数据；不要为钱包安装或信任该网络的证书。");
    NetClockWrong = "net.clock_wrong", Error,
        en("Every server's certificate looks {detail}: this device's date or time is probably wrong.",
           "Set the device's date, time and time zone to automatic (network time), then run the check again."),
        zh("所有服务器的证书看起来都{detail}：本机的日期或时间可能不对。", "请将设备的日期、时间和时区设为自动（网络时间），然后重新检查。");
    NetTlsAllFailing = "net.tls_all_failing", Error,
        en("Every secure connection fails the same way ({detail}): the cause is on this network or device, not at each server.",
           "Switch networks (Wi-Fi ↔ mobile data); if it persists everywhere, contact support with this report."),
        zh("所有安全连接都以同样的方式失败（{detail}）：原因在当前网络或设备，而不在各个服务器。", "请切换网络（Wi-Fi ↔ 移动数据）；如果在任何网络都如此，请附上本报告联系客服。");
    NetNotMeasured = "net.not_measured", Warning,
        en("Part of the check of {detail} did not finish before the deadline.", "Run again with a longer --deadline, or on a faster network."),
        zh("{detail} 的部分检查未能在时限内完成。", "请用更长的 --deadline 重新运行，或换一个更快的网络。");

    // ---- env ----
    EnvProxy = "env.proxy", Info,
        en("A proxy is set ({detail}); the wallet app may not use it the way bindcheck does.", "If binds fail only here, try without the proxy."),
        zh("设置了代理（{detail}）；钱包应用未必与 bindcheck 一样使用它。", "如果只在此处绑定失败，请尝试不使用代理。");
    EnvLowDisk = "env.low_disk", Warning,
        en("Little free disk space ({detail}); apps fail in odd ways when storage is full.", "Free some storage, then try again."),
        zh("磁盘剩余空间很少（{detail}）；存储空间满时应用会出现各种异常。", "请清理存储空间后再试。");
    EnvLowMemory = "env.low_memory", Warning,
        en("Little free memory ({detail}).", "Close other apps, then try again."),
        zh("可用内存很少（{detail}）。", "请关闭其他应用后再试。");
    EnvWireless = "env.wireless", Info,
        en("The default route goes over wireless ({detail}).", "If the network looks weak, move closer to the access point or switch to mobile data."),
        zh("默认路由走无线网络（{detail}）。", "如果网络较弱，请靠近无线接入点或切换到移动数据。");
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A string that is not a finding code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode(pub String);

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown finding code `{}`", self.0)
    }
}

impl std::error::Error for UnknownCode {}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Code {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Code".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        schemars::json_schema!({ "type": "string", "enum": codes, "description": "A stable finding code (docs/codes.md)." })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = HashSet::new();
        for &code in Code::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {code}");
            assert_eq!(code.as_str().parse::<Code>().unwrap(), code);
            let (area, name) = code.as_str().split_once('.').expect("area.name");
            assert!(!area.is_empty() && !name.is_empty());
            assert!(code
                .as_str()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_'));
        }
    }

    #[test]
    fn every_code_has_both_languages_and_matching_placeholders() {
        for &code in Code::ALL {
            for lang in [Lang::En, Lang::ZhCn] {
                assert!(!code.message(lang).is_empty());
                assert!(!code.hint(lang).is_empty());
            }
            assert_eq!(
                code.message(Lang::En).contains("{detail}"),
                code.message(Lang::ZhCn).contains("{detail}"),
                "{code}: the placeholder must be in both languages or neither"
            );
            assert_ne!(code.message(Lang::En), code.message(Lang::ZhCn));
        }
    }
}
