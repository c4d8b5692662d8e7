// The JavaScript API of the WebAssembly package (target/wasm-pkg/, built by .ci/wasm-build)
// against the native build: fixtures/wasm/cases.json holds the validators' unit-test inputs
// with the answers the native library gives (written by tests/it/wasm_cases.rs), and every
// function of both the Node and the browser build must give exactly those answers.
//
//   node --test tests/js/api.test.mjs

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const pkg = path.join(root, "target/wasm-pkg");

const node = createRequire(import.meta.url)(path.join(pkg, "node/bindcheck.js"));
const web = await import(path.join(pkg, "bindcheck.js"));
web.initSync({ module: readFileSync(path.join(pkg, "bindcheck_bg.wasm")) });

const cases = JSON.parse(readFileSync(path.join(root, "fixtures/wasm/cases.json"), "utf8"));

function call(api, c) {
  const got = api[c.fn](...c.args);
  // The fixture is JSON: `undefined` (brandInfo of an unknown name) is written as null.
  return got === undefined ? null : got;
}

for (const [name, api] of [
  ["Node build", node],
  ["browser build", web],
]) {
  test(`${name}: every case gives the native answer`, () => {
    const wrong = [];
    for (const c of cases) {
      try {
        assert.deepStrictEqual(call(api, c), c.want);
      } catch (e) {
        wrong.push(`${c.fn}(${JSON.stringify(c.args)}): ${e.message}`);
      }
    }
    assert.equal(wrong.length, 0, `${wrong.length} of ${cases.length} cases differ:\n${wrong.slice(0, 5).join("\n\n")}`);
  });
}

test("the cases cover every exported function, in both languages", () => {
  const exported = Object.keys(node).filter((k) => typeof node[k] === "function" && !k.startsWith("__"));
  const covered = new Set(cases.map((c) => c.fn));
  assert.deepEqual(exported.filter((k) => !covered.has(k)), []);
  const zh = cases.filter((c) => c.args[1]?.lang === "zh-CN").length;
  assert.ok(zh > 200, `${zh} Chinese cases`);
});

test("answers are plain objects, as the CLI's JSON has them", () => {
  const v = node.validateCard("4", { lang: "zh-CN" });
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.equal(v.valid, false);
  assert.equal(v.potentially_valid, true);
  assert.ok(v.candidates.includes("visa"));
  assert.equal(v.findings[0].code, "card.too_short");
  assert.match(v.findings[0].message, /卡号/);
  // Keys the CLI leaves out are absent, not undefined; `normalized` can be null.
  assert.ok(!("brand" in v));
  assert.equal(node.validateExpiry("13/29").normalized, null);
});

test("without options, the defaults of the Rust API apply", () => {
  assert.equal(node.validatePhone("13800138000").region, "CN");
  assert.deepEqual(node.validatePhone("13800138000", {}), node.validatePhone("13800138000", undefined));
  assert.deepEqual(node.validatePhone("13800138000", null), node.validatePhone("13800138000"));
  assert.equal(node.validatePhone("010-65529988").findings[0].code, "phone.not_mobile");
  assert.equal(node.validateEmail("zhang@qq.con").findings[0].message, "The domain looks like a typo: did you mean qq.com?");
});

test("without `today`, dates are judged against the JavaScript clock (UTC)", () => {
  const now = new Date();
  const yy = (now.getUTCFullYear() % 100).toString().padStart(2, "0");
  const mm = (now.getUTCMonth() + 1).toString().padStart(2, "0");
  assert.equal(node.validateExpiry(`${mm}/${yy}`).valid, true, "valid through the current month");
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const lastText = `${(last.getUTCMonth() + 1).toString().padStart(2, "0")}/${(last.getUTCFullYear() % 100).toString().padStart(2, "0")}`;
  assert.equal(node.validateExpiry(lastText).findings[0].code, "expiry.expired");
  const today = now.toISOString().slice(0, 10);
  assert.deepEqual(node.validateIdNumber("11010519491231002X"), node.validateIdNumber("11010519491231002X", { today }));
});

test("options that make no sense throw an Error that says what is wrong", () => {
  const throwsWith = (f, pattern) => assert.throws(f, (e) => e instanceof Error && pattern.test(e.message));
  throwsWith(() => node.validatePhone("1", { defaultregion: "CN" }), /unknown field `defaultregion`/);
  // The region given is not repeated: what a form puts there may be anything, a card number included.
  throwsWith(() => node.validatePhone("1", { defaultRegion: "6222021234567890128" }), /^unknown region: use a CLDR region code/);
  throwsWith(() => node.validatePhone("1", { lang: "fr" }), /^unknown language: use/);
  throwsWith(() => node.validateCard("1", { allowedBrands: ["visa card"] }), /unknown card brand/);
  throwsWith(() => node.validateExpiry("12/29", { today: "2026-02-30" }), /YYYY-MM-DD/);
  throwsWith(() => node.validateCvv("123", { brand: 4 }), /bad options/);
  throwsWith(() => node.validate("not an object"), /bad inputs/);
  // Invalid input never throws.
  for (const f of ["validatePhone", "validateEmail", "validateCard", "validateExpiry", "validateCvv", "validateIdNumber"]) {
    for (const input of ["", "\u0000", "💳".repeat(1000), "9".repeat(100000)]) {
      assert.equal(typeof node[f](input).valid, "boolean");
    }
  }
});

test("the TypeScript declarations type-check a typical use, and reject wrong options", () => {
  const tsc = path.join(here, "node_modules/typescript/bin/tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", path.join(here, "tsconfig.json")], { encoding: "utf8" });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
});
