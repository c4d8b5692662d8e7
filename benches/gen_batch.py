#!/usr/bin/env python3
"""Writes a deterministic CSV of bind-form rows (phone,email,card) for benches/batch.sh.

    python3 benches/gen_batch.py ROWS OUT.csv

Standard library only. One random.Random(20261126) drives every choice, so the same ROWS
give a byte-identical file. The mix: mostly mainland-China mobiles in the ways people type
them (spaces, dashes, +86, 0086, full-width digits), landlines, numbers from other regions
in international form, and typos; webmail, work and internationalized email addresses
with provider typos and invalid ones; UnionPay, Visa, Mastercard, Amex and JCB numbers,
grouped or not, a few with a wrong check digit or length; about 3% of cells left empty.
"""

import csv
import random
import sys

SEED = 20261126

CN_MOBILE_PREFIXES = (
    [str(p) for p in range(130, 140)]
    + ["145", "147", "149", "150", "151", "152", "153", "155", "156", "157", "158", "159", "166"]
    + ["170", "171", "172", "173", "175", "176", "177", "178"]
    + [str(p) for p in range(180, 190)]
    + ["191", "193", "195", "196", "197", "198", "199"]
)
CN_AREA = ["10", "20", "21", "22", "23", "24", "25", "27", "28", "29", "311", "351", "371", "571", "755", "769"]
# (calling code, national mobile-ish prefix, subscriber digits, grouping)
FOREIGN = [
    ("852", "9", 7, (4, 4)),
    ("853", "6", 7, (4, 4)),
    ("886", "9", 8, (3, 3, 3)),
    ("1", "415", 7, (3, 3, 4)),
    ("1", "646", 7, (3, 3, 4)),
    ("44", "7", 9, (4, 6)),
    ("81", "90", 8, (2, 4, 4)),
    ("82", "10", 8, (2, 4, 4)),
    ("65", "8", 7, (4, 4)),
    ("61", "4", 8, (3, 3, 3)),
    ("49", "151", 8, (4, 7)),
    ("33", "6", 8, (1, 2, 2, 2, 2)),
    ("60", "12", 7, (2, 3, 4)),
    ("66", "8", 8, (2, 3, 4)),
]
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

GIVEN = "wei fang na min jing li qiang lei jun yang yong yan jie tao ming chao hui ling gang john mary david sarah michael emma kenji yuki minho anna lukas maria priya".split()
FAMILY = "zhang wang li liu chen yang huang zhao wu zhou xu sun ma zhu hu guo smith brown garcia tanaka kim park nguyen mueller silva".split()
PROVIDERS = ["qq.com"] * 5 + ["163.com"] * 3 + ["126.com"] * 2 + [
    "sina.com", "sohu.com", "foxmail.com", "aliyun.com", "139.com", "189.cn", "yeah.net",
    "gmail.com", "gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com",
]
ORGS = ["alibaba-inc.com", "tencent.com", "huawei.com", "pku.edu.cn", "mail.ustc.edu.cn", "hku.hk", "startup.io", "shop.example.co.uk"]
IDN = ["例子.中国", "公司.cn", "münchen.de", "пример.рф"]
TYPOS = ["qq.con", "qq.cm", "gmial.com", "gamil.com", "163.cm", "163.con", "hotmial.com", "outlok.com", "sina.con"]
INVALID_EMAILS = ["zhang.wei.qq.com", "zhang wei@qq.com", "liming@", "li..ming@163.com", "liming@localhost", "liming@163", "liming@163,com", "李明@163.com"]

CARD_PREFIXES = (
    [("622202", 19), ("622848", 19), ("621700", 19), ("623668", 19), ("622588", 16), ("625965", 16), ("621483", 16)] * 4
    + [("4", 16), ("4", 16), ("4", 16), ("51", 16), ("53", 16), ("55", 16), ("2221", 16)]
    + [("34", 15), ("37", 15), ("3528", 16), ("3566", 16), ("6011", 16)]
)


def luhn_digit(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def digits(rng, n):
    return "".join(rng.choice("0123456789") for _ in range(n))


def group(s, sizes, sep=" "):
    out, i = [], 0
    for size in sizes:
        out.append(s[i : i + size])
        i += size
    if i < len(s):
        out.append(s[i:])
    return sep.join(p for p in out if p)


def phone(rng):
    roll = rng.random()
    if roll < 0.03:
        return ""
    if roll < 0.63:
        n = rng.choice(CN_MOBILE_PREFIXES) + digits(rng, 8)
        style = rng.random()
        if style < 0.40:
            return n
        if style < 0.60:
            return group(n, (3, 4, 4))
        if style < 0.70:
            return group(n, (3, 4, 4), "-")
        if style < 0.85:
            return "+86 " + group(n, (3, 4, 4))
        if style < 0.92:
            return "+86" + n
        if style < 0.97:
            return "0086 " + n
        return group(n, (3, 4, 4)).translate(FULLWIDTH)
    if roll < 0.71:
        area = rng.choice(CN_AREA)
        sub = digits(rng, 8 if len(area) == 2 else 7)
        return rng.choice([f"0{area}-{sub}", f"(0{area}) {sub}", f"+86 {area} {sub}"])
    if roll < 0.90:
        cc, prefix, n, sizes = rng.choice(FOREIGN)
        return f"+{cc} " + group(prefix + digits(rng, n), sizes)
    # typos: a digit too few or too many, a letter, a stray symbol
    n = rng.choice(CN_MOBILE_PREFIXES) + digits(rng, 8)
    kind = rng.randrange(4)
    if kind == 0:
        return n[:-1]
    if kind == 1:
        return n + rng.choice("0123456789")
    if kind == 2:
        i = rng.randrange(3, 11)
        return n[:i] + "O" + n[i + 1 :]
    return n[:3] + "*" + n[3:]


def email(rng):
    roll = rng.random()
    if roll < 0.03:
        return ""
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    local = rng.choice([
        f"{given}.{family}", f"{family}{given}", f"{given}{family}{rng.randrange(1960, 2010)}",
        str(rng.randrange(10_000_000, 3_000_000_000)), f"{given}_{family}", f"{given[0]}{family}",
    ])
    if roll < 0.72:
        return f"{local}@{rng.choice(PROVIDERS)}"
    if roll < 0.84:
        return f"{local}@{rng.choice(ORGS)}"
    if roll < 0.86:
        return f"{local}@{rng.choice(IDN)}"
    if roll < 0.95:
        return f"{local}@{rng.choice(TYPOS)}"
    return rng.choice(INVALID_EMAILS)


def card(rng):
    roll = rng.random()
    if roll < 0.03:
        return ""
    prefix, length = rng.choice(CARD_PREFIXES)
    body = prefix + digits(rng, length - len(prefix) - 1)
    n = body + luhn_digit(body)
    if roll < 0.06:  # wrong check digit
        n = body + str((int(luhn_digit(body)) + 1 + rng.randrange(9)) % 10)
    elif roll < 0.07:  # a digit missing
        n = n[:-1]
    style = rng.random()
    if style < 0.5:
        return n
    if style < 0.9:
        return group(n, (4, 6, 5) if length == 15 else (4, 4, 4, 4))
    return group(n, (4, 4, 4, 4), "-")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_batch.py ROWS OUT.csv")
    rows, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(SEED)
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["phone", "email", "card"])
        for _ in range(rows):
            w.writerow([phone(rng), email(rng), card(rng)])


if __name__ == "__main__":
    main()
