//! Inputs shared by the benchmarks (`benches/validate.rs`, `benches/throughput.rs`) and,
//! through files written by `cargo bench --bench throughput -- write-inputs DIR`, by the
//! reference implementations in `benches/compare/run.sh`, so every side checks the very
//! same strings.
//!
//! File formats (UTF-8, one item a line, `\n` line ends, no header):
//! - `phone.tsv`: `input<TAB>default_region`, an empty region meaning none;
//! - `email.txt`, `card.txt`: the value.
#![allow(dead_code)] // each bench target uses a different part of this module

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn column(path: &str, columns: &[usize]) -> Vec<Vec<String>> {
    let path = root().join(path);
    let mut reader = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    reader
        .records()
        .map(|r| {
            let r = r.expect("fixture row");
            columns.iter().map(|&i| r[i].to_owned()).collect()
        })
        .collect()
}

/// Mixed-region phone numbers: the `input,default_region` columns of the phone reference
/// fixture (7,564 rows, about 240 regions, national and international forms, with and
/// without a default region).
pub fn phone_inputs() -> Vec<(String, Option<String>)> {
    column("fixtures/phone/reference.csv", &[0, 1])
        .into_iter()
        .map(|mut r| {
            let region = r.pop().expect("region");
            let input = r.pop().expect("input");
            (input, (!region.is_empty()).then_some(region))
        })
        .collect()
}

/// Card numbers: the `number` column of the card reference fixture (5,701 rows, every
/// brand, right and wrong lengths and check digits, partial numbers).
pub fn card_inputs() -> Vec<String> {
    column("fixtures/card/reference.csv", &[0])
        .into_iter()
        .map(|mut r| r.pop().expect("number"))
        .collect()
}

/// SplitMix64: a tiny deterministic generator, so the list is the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const GIVEN: &[&str] = &[
    "wei", "fang", "na", "min", "jing", "li", "qiang", "lei", "jun", "yang", "yong", "yan", "jie", "tao", "ming",
    "chao", "xiuying", "hui", "ling", "gang", "john", "mary", "david", "sarah", "michael", "emma", "james", "olivia",
    "robert", "sophia", "kenji", "yuki", "minho", "jiwoo", "anna", "lukas", "maria", "carlos", "priya", "arjun",
];
const FAMILY: &[&str] = &[
    "zhang", "wang", "li", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo",
    "smith", "johnson", "brown", "garcia", "miller", "tanaka", "suzuki", "kim", "park", "nguyen", "mueller", "rossi",
    "silva", "sharma",
];
/// Common providers, weighted by repetition (Chinese webmail first, as in the bind forms
/// bindcheck is for).
const PROVIDERS: &[&str] = &[
    "qq.com",
    "qq.com",
    "qq.com",
    "qq.com",
    "163.com",
    "163.com",
    "163.com",
    "126.com",
    "126.com",
    "sina.com",
    "sina.cn",
    "sohu.com",
    "foxmail.com",
    "aliyun.com",
    "139.com",
    "189.cn",
    "yeah.net",
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "outlook.com",
    "outlook.com",
    "hotmail.com",
    "hotmail.com",
    "yahoo.com",
    "icloud.com",
    "live.com",
    "msn.com",
    "protonmail.com",
    "yahoo.co.jp",
    "naver.com",
    "gmx.de",
    "web.de",
    "mail.ru",
];
/// Work and school domains: longer names, subdomains, country-code TLDs.
const ORGS: &[&str] = &[
    "alibaba-inc.com",
    "tencent.com",
    "huawei.com",
    "bytedance.com",
    "baidu.com",
    "pku.edu.cn",
    "tsinghua.edu.cn",
    "mail.ustc.edu.cn",
    "cs.stanford.edu",
    "hku.hk",
    "nus.edu.sg",
    "bank-of-example.com.cn",
    "shop.example.co.uk",
    "consulting-group.de",
    "startup.io",
    "dev.team.org",
    "mail.company.com.au",
    "research.lab.ac.jp",
];
/// Internationalized domains, in Unicode form.
const IDN: &[&str] = &[
    "例子.中国",
    "公司.cn",
    "münchen.de",
    "bücher.ch",
    "пример.рф",
    "dæmi.is",
    "ドメイン.jp",
];
/// Domains one or two keystrokes from a common provider.
const TYPOS: &[&str] = &[
    "qq.con",
    "qq.cm",
    "qq.co",
    "gmial.com",
    "gmai.com",
    "gamil.com",
    "gmail.con",
    "163.cm",
    "163.con",
    "126.cn",
    "hotmial.com",
    "hotmail.co",
    "outlok.com",
    "yaho.com",
    "sina.con",
    "foxmial.com",
    "iclould.com",
];
/// Addresses that no policy accepts, or that bindcheck's policy rejects.
const INVALID: &[&str] = &[
    "zhang.wei.qq.com",
    "zhang wei@qq.com",
    "@qq.com",
    "liming@",
    "li..ming@163.com",
    ".liming@163.com",
    "liming.@163.com",
    "liming@163..com",
    "liming@-163.com",
    "liming@163.com.",
    "liming@@163.com",
    "liming@localhost",
    "liming@mail.local",
    "liming@example.com",
    "liming@test.test",
    "liming@163",
    "liming@163.123",
    "\"li ming\"@163.com",
    "liming@[192.0.2.1]",
    "liming@163,com",
    "liming(at)163.com",
    "liming@163.com>",
    "<liming@163.com",
    "李明@163.com",
    "liming@ qq.com",
    "liming@qq .com",
    "liming@qq_mail.com",
];

/// About 2,000 realistic email addresses, deterministic: mostly valid (webmail, work and
/// school, a few internationalized), with provider typos (`qq.con`, `gmial.com`) and
/// invalid ones (missing `@`, double dots, spaces, special-use and numeric domains, too
/// long).
pub fn email_inputs() -> Vec<String> {
    let mut rng = Rng(20_261_126);
    let mut out = Vec::with_capacity(2000);
    while out.len() < 2000 {
        let given = rng.pick(GIVEN);
        let family = rng.pick(FAMILY);
        let number = rng.below(10_000);
        let local = match rng.below(9) {
            0 => format!("{given}.{family}"),
            1 => format!("{family}{given}"),
            2 => format!("{given}{family}{}", 1960 + number % 50),
            3 => format!("{}", 10_000_000 + (rng.next() % 2_000_000_000)), // QQ numbers
            4 => format!("{given}_{family}"),
            5 => format!("{}{family}", &given[..1]),
            6 => format!("{given}.{family}+{}", rng.pick(&["shop", "bank", "pay", "news"])),
            7 => format!("{given}-{family}{number}"),
            _ => format!("{}.{given}", family.to_uppercase()),
        };
        let roll = rng.below(100);
        let address = if roll < 62 {
            format!("{local}@{}", rng.pick(PROVIDERS))
        } else if roll < 76 {
            format!("{local}@{}", rng.pick(ORGS))
        } else if roll < 79 {
            format!("{local}@{}", rng.pick(IDN))
        } else if roll < 89 {
            format!("{local}@{}", rng.pick(TYPOS))
        } else if roll < 96 {
            rng.pick(INVALID).to_owned()
        } else if roll < 97 {
            format!("{}@{}", "x".repeat(65), rng.pick(PROVIDERS)) // local part over 64 octets
        } else if roll < 98 {
            format!("{local}@{}.com", "sub.".repeat(62)) // over 254 octets in all
        } else {
            format!("{}@{}", local.to_uppercase(), rng.pick(PROVIDERS).to_uppercase())
        };
        out.push(address);
    }
    out
}

/// Writes `phone.tsv`, `email.txt` and `card.txt` into `dir`.
pub fn write_inputs(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let mut phone = Vec::new();
    for (input, region) in phone_inputs() {
        assert!(
            !input.contains(['\t', '\n', '\r']),
            "phone input with a tab or line break"
        );
        writeln!(phone, "{input}\t{}", region.as_deref().unwrap_or(""))?;
    }
    fs::write(dir.join("phone.tsv"), phone)?;
    for (name, items) in [("email.txt", email_inputs()), ("card.txt", card_inputs())] {
        let mut text = String::new();
        for item in items {
            assert!(!item.contains(['\n', '\r']), "{name}: an item with a line break");
            text.push_str(&item);
            text.push('\n');
        }
        fs::write(dir.join(name), text)?;
    }
    Ok(())
}

/// Reads a file written by [`write_inputs`]: one item a line.
pub fn read_lines(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().map(str::to_owned).collect()
}

/// Reads `phone.tsv`.
pub fn read_phone_file(path: &Path) -> Vec<(String, Option<String>)> {
    read_lines(path)
        .into_iter()
        .map(|line| {
            let (input, region) = line.split_once('\t').unwrap_or((line.as_str(), ""));
            (input.to_owned(), (!region.is_empty()).then(|| region.to_owned()))
        })
        .collect()
}
