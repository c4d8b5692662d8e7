//! The command line's help in Simplified Chinese (`--lang zh-CN` or a Chinese locale).
//!
//! clap writes help from the English doc comments of the argument structs. For a Chinese
//! reader the same [`Command`] is rewritten before parsing: each command's description and
//! closing text, each argument's help (with its default and possible values said in
//! Chinese), the headings, the usage line, and the help and version flags and the `help`
//! command, which clap words in English. A unit test holds that every command and argument
//! has its Chinese text, so a new flag cannot arrive untranslated.

use clap::{Arg, ArgAction, Command};

/// Each command's description and closing text (examples, exit codes), by its path.
const COMMANDS: &[(&str, &str, &str)] = &[
    (
        "bindcheck",
        "在绑定数字钱包之前找出绑定会失败的原因：输入有误、卡片不受支持、网络故障、服务器繁忙。\n\n\
         它检查用户在绑定表单中填写的内容（手机号、邮箱、银行卡号、有效期、安全码、身份证号、\
         姓名）以及到钱包服务器的网络路径，判断绑定能否成功，不能时说明该怎么办，可用英文或简体中文。\
         除非指定 --unmasked，所有输出中的个人信息都会打码。",
        "从这里开始：\n  bindcheck check --phone '138 0013 8000' --card -\n\
         退出码，所有命令相同：0 没有问题，1 有警告且指定了 `--fail-on=warning`，2 检查的对象不通过，\
         64 用法错误，65 输入无法读取，74 输出无法写入，78 配置有误（见 docs/guide.md）。\n\
         文档：docs/guide.md（用法），docs/codes.md（所有结论代码）。",
    ),
    (
        "check",
        "绑定能成功吗？检查输入和钱包的服务端点，给出结论和处理办法",
        "示例：\n  \
         bindcheck check --phone '138 0013 8000' --card - --expiry 12/29\n  \
         bindcheck check --profile staging.toml --format text --format junit=report.xml --format json=report.json\n  \
         bindcheck check --endpoint https://api.wallet.example/health --app-version 10.2.0 --lang zh-CN\n\
         退出码：0 可以绑定（或有降级但未指定 `--fail-on=warning`），1 有降级且指定了 `--fail-on=warning`，\
         2 无法绑定，64 用法错误，65 输入无法读取，74 输出无法写入，78 配置文件或配置有误\
         （所有命令共用一张表：docs/guide.md）。",
    ),
    (
        "validate",
        "检查表单输入：手机号、邮箱、银行卡号、有效期、安全码、身份证号、姓名（一组，或一个批量文件）",
        "示例：\n  \
         bindcheck validate --phone '138 0013 8000' --email zhang@qq.con\n  \
         BINDCHECK_CARD=6222021234567890128 bindcheck validate --expiry 12/29 --lang zh-CN   （卡号来自环境变量）\n  \
         bindcheck validate --card - --cvv -          （提示输入两者，输入时不回显）\n  \
         bindcheck validate --input people.csv > results.jsonl\n\
         每个值都可以写成 `-`（从标准输入读一行，在终端上则是不回显的提示），不给出选项时也可以来自 \
         `BINDCHECK_PHONE`、`BINDCHECK_EMAIL`、`BINDCHECK_CARD`、`BINDCHECK_EXPIRY`、`BINDCHECK_CVV`、\
         `BINDCHECK_ID_NUMBER` 或 `BINDCHECK_NAME`。\n\
         退出码：0 所有值都有效（允许警告），2 有值无效或批量中有格式错误的行，64 用法错误，\
         65 输入无法读取，74 输出无法写入，78 BIN 表或号段文件无法读取（所有命令共用一张表：docs/guide.md）。",
    ),
    (
        "probe",
        "探测钱包的服务端点：DNS、TCP、TLS、HTTP 各阶段耗时，丢包与抖动，时钟偏差",
        "示例：\n  \
         bindcheck probe https://api.wallet.example/v1/health\n  \
         bindcheck probe https://staging.wallet.test/health --resolver 10.0.0.53 --ca-file staging-ca.pem --format json\n\
         退出码：0 所有端点正常，2 至少一个端点不正常，64 用法错误，65 输入无法读取，74 输出无法写入，\
         78 配置文件或配置有误（所有命令共用一张表：docs/guide.md）。",
    ),
    (
        "explain",
        "解释一个结论代码，或钱包显示的错误提示（绑定失败、系统繁忙……）",
        "示例：\n  \
         bindcheck explain card.luhn\n  \
         bindcheck explain 系统繁忙\n  \
         bindcheck explain \"card not supported\" --lang zh-CN\n  \
         bindcheck explain                （列出所有代码和提示）\n\
         退出码：0 找到，2 没有匹配，64 用法错误，65 输入无法读取，74 输出无法写入，78 配置文件或配置有误\
         （所有命令共用一张表：docs/guide.md）。",
    ),
    (
        "trace",
        "逐跳追踪到某个端点的路径：找出在哪里丢包（Linux，无需特权）",
        "示例：\n  \
         bindcheck trace https://api.wallet.example/v1/health\n  \
         bindcheck trace 203.0.113.10 --count 20 --format json\n  \
         bindcheck trace https://api.wallet.example/v1/health --protocol tcp\n\
         无需特权，仅限 Linux：发送 TTL 递增的 UDP 数据报或 TCP 连接，从套接字的错误队列读取回应。\
         每跳 20 次探测约需 20 秒：路由器会限制回应的速度。\n\
         退出码：0 路径正常，2 持续丢包或未到达目的地，64 用法错误，65 输入无法读取，74 输出无法写入，\
         78 配置文件或配置有误（所有命令共用一张表：docs/guide.md）。",
    ),
    (
        "serve",
        "通过 HTTP 提供校验服务，并为 Prometheus 探测端点（与 `blackbox_exporter` 类似）",
        "示例：\n  \
         bindcheck serve --profile staging.toml\n  \
         curl -s localhost:9477/v1/validate -d '{\"phone\": \"138 0013 8000\", \"lang\": \"zh-CN\"}'\n  \
         curl -s 'localhost:9477/probe?target=api&module=http'\n  \
         bindcheck serve --cors-origin https://shop.example   （该来源的页面可以调用 /v1/validate）\n\
         Prometheus 的抓取配置、告警规则和 Kubernetes 清单见 docs/serve.md。",
    ),
    ("help", "显示本帮助，或所给命令的帮助", ""),
    ("init", "写出一个带注释的入门配置文件，供你修改", ""),
    ("completions", "输出命令行补全脚本（`bash`、`zsh`、`fish`、`elvish`、`powershell`）", ""),
    (
        "man",
        "写出手册页（`roff` 格式）：`bindcheck man --dir /usr/local/share/man/man1`",
        "",
    ),
];

/// Each argument's help, by its id; the same in every command that has it, unless
/// [`ARGS_IN`] says otherwise.
const ARGS: &[(&str, &str)] = &[
    ("profile", "配置文件（TOML），或用 `default` 表示内置的配置（主流公共钱包）"),
    ("endpoints", "要探测的端点网址（可重复）。没有 --profile 时只探测这些"),
    ("phone", "手机号，照输入的样子写（国内或国际格式）"),
    ("email", "必须能收到验证邮件的邮箱地址"),
    ("card", "银行卡号（可以带空格和短横线）"),
    ("expiry", "卡片有效期：`MM/YY`、`MM/YYYY` 或 `MMYY`"),
    ("cvv", "卡片安全码（CVV/CVC/CVN）"),
    ("id_number", "中国大陆居民身份证号（18 位）"),
    ("name", "持卡人姓名"),
    ("app_version", "应用的版本号，与配置文件中的 `min_app_version` 比较"),
    (
        "formats",
        "输出格式，写到标准输出或 `=FILE`（可重复）：`text`（或 `txt`）、`json`、`junit`、`markdown`（或 `md`）、`prometheus`（或 `prom`）",
    ),
    ("lang", "消息的语言：`en` 或 `zh-CN`（默认由环境变量 `LANG` 决定）"),
    ("fail_on", "哪些结论会让运行失败：`error`（错误）或 `warning`（警告）"),
    ("unmasked", "完整显示个人信息。切勿分享这样的报告"),
    (
        "deadline",
        "整个运行的时限，例如 30s 或 2m；到时还没测到的会如实报告（默认 30s；`serve` 中抓取请求没有给出自己的超时时为 10s）",
    ),
    ("timeout", "每个阶段的时限（DNS、连接、TLS；响应和正文为它的两倍）"),
    ("resolver", "代替系统 DNS 去询问的 DNS 服务器：IP 或 IP:端口"),
    ("count", "每个地址的连接探测次数，用于测丢包、延迟和抖动（0 表示跳过，最多 1000）"),
    ("interval", "对同一地址两次连接探测之间的间隔，例如 100ms（至少 10ms）"),
    ("ca_file", "除系统证书外额外信任的私有 CA 证书（PEM），例如用于预发布环境"),
    ("insecure", "报告证书问题，但继续发出请求（报告中会注明）"),
    (
        "trace",
        "逐跳追踪路径：`auto`（有端点丢包或无法到达时）、`always`（总是）、`never`（从不）",
    ),
    ("no_environment", "不输出本机环境一节（代理、路由、内存、磁盘）"),
    (
        "connectivity_checks",
        "强制门户检测地址：在开放的互联网上会返回 204 的普通 http:// 网址（可重复；取代配置文件中的 `[network] connectivity_checks`），或用 `none` 表示不检测",
    ),
    ("region", "不带国家代码的手机号所属的地区；`none` 表示必须写 + 或 00"),
    ("allow_regions", "只接受这些地区的手机号（可重复，或用逗号分隔）"),
    ("allow_brands", "只接受这些卡组织，例如 `unionpay,visa`（可重复，或用逗号分隔）"),
    (
        "bin_table",
        "支持的卡号前缀的 CSV 文件：`prefix,issuer,kind`（`kind` 为 `debit`、`credit`、`prepaid`），或者表头一行列出的各列：`prefix,issuer,issuer_zh,kind,country,brands`",
    ),
    ("phone_ranges", "在内置数据之上补充的号段 CSV 文件：`prefix,type,carrier,carrier_zh,segment`"),
    (
        "virtual_operator",
        "虚拟运营商号码（170x、171、162、165、167）：`allow`（允许）、`warn`（警告）或 `reject`（拒绝）",
    ),
    (
        "unionpay_luhn",
        "校验位不符的银联卡：`warn` 给出警告（少数真实卡片如此），或 `error` 视为错误（有些收单机构拒绝这类卡）",
    ),
    ("format", "输出格式"),
    ("input", "批量模式：输入的 CSV 或 JSONL 文件，或用 `-` 表示标准输入"),
    ("input_format", "--input 的格式（默认由文件扩展名决定，否则为 `csv`）"),
    ("urls", "端点网址（http 或 https）"),
    (
        "compare_resolvers",
        "同时询问这个 DNS 服务器（可重复），并标出不同的回答：这是 DNS 劫持或污染的迹象",
    ),
    ("method", "请求方法：GET 或 HEAD"),
    ("concurrency", "同时探测的端点数（1 到 1024）"),
    ("query", "结论代码（如 card.luhn），或钱包显示的文字（绑定失败、“系统繁忙”）"),
    ("target", "网址（追踪它的主机），或主机名、IP 地址"),
    ("max_hops", "最多尝试的跳数"),
    (
        "protocol",
        "探测方式：`udp` 数据报（与 `tracepath` 相同），或到目标端口的 `tcp` 连接，即应用自身流量所走的路径",
    ),
    ("port", "TCP 端口（默认为网址的端口，否则为 443）"),
    ("listen", "监听的地址（除非你另行指定，只监听本机回环地址）"),
    (
        "max_connections",
        "同时打开的客户端连接数（默认 1024，或为适应 `ulimit` 的 `-n` 上限而更少）。达到上限时，新连接会替换最久空闲的连接；全部忙碌时它会得到 503",
    ),
    (
        "cors_origins",
        "允许这个来源的页面在浏览器中调用 API（CORS），例如 https://shop.example；可重复，在配置文件的 `[serve] cors_origins` 之外添加。不指定来源时关闭",
    ),
    ("path", "配置文件写到哪里（`-` 表示标准输出）"),
    ("force", "文件已存在时覆盖它"),
    ("shell", "命令行外壳：`bash`、`zsh`、`fish`、`elvish` 或 `powershell`"),
    (
        "dir",
        "把每个命令的手册页写到这个文件夹中（`bindcheck.1`、`bindcheck-check.1`……），即 `bindcheck.1` 引用的那些页面；不指定时，所有页面依次写到标准输出",
    ),
];

/// Arguments whose help differs by command: (command, id, help).
const ARGS_IN: &[(&str, &str, &str)] = &[
    ("validate", "unmasked", "完整显示个人信息，而不是打码。切勿把这样的输出粘贴到任何地方"),
    ("validate", "format", "输出格式（默认 `text`；批量模式为 JSONL）"),
    ("probe", "lang", "文本输出的语言：`en` 或 `zh-CN`（默认由环境变量 `LANG` 决定）"),
    ("trace", "lang", "文本输出的语言：`en` 或 `zh-CN`（默认由环境变量 `LANG` 决定）"),
    ("explain", "lang", "语言：`en` 或 `zh-CN`（默认由环境变量 `LANG` 决定）"),
    ("trace", "count", "每跳的探测次数"),
    (
        "trace",
        "interval",
        "两轮探测之间的间隔（每轮每跳一次探测）。路由器在短暂的突发之后大约每秒只回应一次：间隔更短会把它们的限速误读为丢包",
    ),
    ("serve", "profile", "配置文件：其中的端点可以被探测，其策略用来校验输入"),
    ("help", "command", "要查看帮助的命令"),
    ("help", "lang", "帮助的语言：`en` 或 `zh-CN`"),
];

/// The Chinese help of argument `id` in command `command`.
fn arg_help(command: &str, id: &str) -> Option<&'static str> {
    ARGS_IN
        .iter()
        .find(|(c, i, _)| *c == command && *i == id)
        .map(|(_, _, h)| *h)
        .or_else(|| ARGS.iter().find(|(i, _)| *i == id).map(|(_, h)| *h))
}

/// The command line's help in Chinese: `cmd` (bindcheck's whole command) rewritten.
pub(super) fn localize(cmd: Command) -> Command {
    let cmd = command(cmd, "bindcheck")
        .disable_help_subcommand(true)
        .subcommand_value_name("命令")
        .subcommand_help_heading("命令")
        .subcommand(
            // clap's own `help` command, which it words in English.
            Command::new("help")
                .arg(Arg::new("command").num_args(0..).value_name("命令"))
                .arg(Arg::new("lang").long("lang").value_name("LANG")),
        );
    // The usage lines as clap writes them for the whole command (`bindcheck check
    // [OPTIONS]`), with the placeholder for options in Chinese.
    let mut built = cmd.clone();
    built.build();
    let usage = |c: &mut Command| {
        let usage = c.render_usage().to_string();
        usage.trim_start_matches("Usage:").trim().replace("[OPTIONS]", "[选项]")
    };
    let root_usage = usage(&mut built);
    let subcommands: Vec<(String, String)> = built
        .get_subcommands_mut()
        .map(|s| (s.get_name().to_owned(), usage(s)))
        .collect();
    let cmd = cmd.override_usage(root_usage);
    subcommands.iter().fold(cmd, |cmd, (name, usage)| {
        let usage = usage.clone();
        cmd.mut_subcommand(name, |sub| command(sub.override_usage(usage), name))
    })
}

/// One command rewritten: its texts, every argument, the headings and usage, and its help
/// and version flags.
fn command(mut cmd: Command, path: &str) -> Command {
    if let Some((_, about, after)) = COMMANDS.iter().find(|(p, ..)| *p == path) {
        let short = about.split_once("\n\n").map_or(*about, |(first, _)| first);
        cmd = cmd.about(short.to_owned()).long_about(about.to_owned());
        if !after.is_empty() {
            cmd = if cmd.get_after_help().is_some() {
                cmd.after_help(after.to_owned())
            } else {
                cmd.after_long_help(after.to_owned())
            };
        }
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set())
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let Some(help) = arg_help(path, &id) else { continue };
        cmd = cmd.mut_arg(&id, |a| {
            let extra = defaults_and_choices(&a, help);
            let a = a.help(keep_literals(&format!("{help}{extra}"))).long_help(None::<&str>);
            if a.get_action().takes_values() {
                a.hide_default_value(true).hide_possible_values(true)
            } else {
                a
            }
        });
    }
    // clap ends its own headings with an ASCII colon; these are written out.
    let mut template = String::from("{about-with-newline}\n用法：{usage}\n");
    if cmd.get_subcommands().next().is_some() {
        template.push_str("\n命令：\n{subcommands}\n");
    }
    if cmd.get_positionals().next().is_some() {
        template.push_str("\n参数：\n{positionals}\n");
    }
    template.push_str("\n选项：\n{options}{after-help}");
    cmd = cmd.help_template(template).disable_help_flag(true).arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help("显示帮助"),
    );
    // `propagate_version` gives every command -V.
    cmd.disable_version_flag(true).arg(
        Arg::new("version")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help("显示版本"),
    )
}

/// `text` with the spaces inside backquotes made no-break (U+00A0), so that clap, which
/// breaks lines at spaces, never splits a literal such as `[network] connectivity_checks`.
fn keep_literals(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                part.replace(' ', "\u{a0}")
            } else {
                part.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("`")
}

/// An argument's default and possible values, said in Chinese (clap says them in English),
/// the choices only where its Chinese help `said` does not list them.
fn defaults_and_choices(a: &Arg, said: &str) -> String {
    let mut out = String::new();
    let choices: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| format!("`{}`", v.get_name()))
        .collect();
    let all_said = choices.iter().all(|c| said.contains(c.as_str()));
    if !choices.is_empty() && !all_said && a.get_action().takes_values() {
        out.push_str(&format!("（可选：{}）", choices.join("、")));
    }
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| format!("`{}`", v.to_string_lossy()))
        .collect();
    if !defaults.is_empty() && a.get_action().takes_values() {
        out.push_str(&format!("（默认：{}）", defaults.join("、")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every command and every argument a user can see has its Chinese text: a flag added
    /// without one fails here.
    #[test]
    fn every_command_and_argument_has_its_chinese_help() {
        let cli = super::super::Cli::command();
        let mut missing = Vec::new();
        let mut check = |cmd: &Command, path: &str| {
            if !COMMANDS.iter().any(|(p, ..)| *p == path) {
                missing.push(format!("command {path}"));
            }
            for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
                if arg_help(path, a.get_id().as_str()).is_none() {
                    missing.push(format!("{path} {}", a.get_id()));
                }
            }
        };
        check(&cli, "bindcheck");
        for sub in cli.get_subcommands() {
            check(sub, sub.get_name());
        }
        assert!(missing.is_empty(), "no Chinese help for: {missing:?}");
    }

    /// The rewritten command still parses what the English one does.
    #[test]
    fn the_chinese_command_parses_as_the_english_one() {
        use clap::FromArgMatches;
        let argv = [
            "bindcheck",
            "check",
            "--phone",
            "13800138000",
            "--lang",
            "zh-CN",
            "--count",
            "0",
        ];
        let matches = localize(super::super::Cli::command())
            .try_get_matches_from(argv)
            .unwrap();
        let cli = super::super::Cli::from_arg_matches(&matches).unwrap();
        assert!(matches!(cli.command, super::super::Command::Check(_)));
    }
}
