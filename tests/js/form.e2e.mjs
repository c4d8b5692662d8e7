// The example bind form (docs/examples/bind-form.html) in a real headless browser, built as
// a form developer builds it: the npm package packed and installed into a new project
// outside the repository (npm-project.mjs), the form's files copied there and bundled by
// esbuild, the result served by a loopback HTTP server this test starts, and Debian's
// Chromium driven by playwright-core. A person types a phone number, an email with a typo
// and a card number digit by digit; the messages must be the validators' own (the installed
// package's Node build says what they are), the brand must show from the first digits, and
// the submit button must be enabled only when every field is valid.
//
//   node --test tests/js/form.e2e.mjs
//
// Screenshots go to target/e2e/; with BINDCHECK_BLESS=1 also to docs/form-en.png and
// docs/form-zh.png, which the README shows.

import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { after, before, test } from "node:test";
import { build } from "esbuild";
import { installPackage, launch, root, serve, stop } from "./npm-project.mjs";

const FORM = ["bind-form.html", "bind-form.js", "bind-form.css"];

// The steps bind-form.html gives: the form's files in the project, bind-form.js bundled by
// esbuild into dist/, the page, its style and the package's .wasm beside the bundle.
async function bundleForm(project) {
  const src = path.join(project, "form");
  const dist = path.join(project, "dist");
  mkdirSync(src, { recursive: true });
  mkdirSync(dist, { recursive: true });
  for (const f of FORM) copyFileSync(path.join(root, "docs/examples", f), path.join(src, f));
  await build({
    absWorkingDir: project,
    entryPoints: ["form/bind-form.js"],
    bundle: true,
    format: "esm",
    platform: "browser",
    outdir: dist,
    logLevel: "silent",
  });
  for (const f of ["bind-form.html", "bind-form.css"]) copyFileSync(path.join(src, f), path.join(dist, f));
  copyFileSync(path.join(project, "node_modules/bindcheck/bindcheck_bg.wasm"), path.join(dist, "bindcheck_bg.wasm"));
  return dist;
}

let project;
let api;
let server;
let browser;
let page;
const problems = [];

before(async () => {
  project = installPackage();
  api = createRequire(path.join(project.dir, "package.json"))("bindcheck");
  server = await serve(await bundleForm(project.dir));
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 600, height: 900 }, locale: "en-US" });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  const { port } = server.address();
  await page.goto(`http://127.0.0.1:${port}/bind-form.html?lang=en`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 15000 });
});

after(async () => {
  await browser?.close();
  await stop(server);
  project?.remove();
});

const text = (selector) => page.textContent(selector);
const caret = (field) => page.$eval(`#${field}`, (el) => [el.selectionStart, el.selectionEnd]);
const submitDisabled = () => page.isDisabled("#submit");
const state = (field) => page.getAttribute(`.field[data-field="${field}"]`, "data-state");

// Types `value` key by key into an emptied field, as a person would.
async function type(field, value) {
  await page.fill(`#${field}`, "");
  await page.click(`#${field}`);
  await page.locator(`#${field}`).pressSequentially(value);
}

async function leave(field) {
  await page.focus(`#${field}`);
  await page.keyboard.press("Tab");
}

async function shot(name) {
  mkdirSync(path.join(root, "target/e2e"), { recursive: true });
  const file = path.join(root, "target/e2e", name);
  await page.screenshot({ path: file, fullPage: true });
  if (process.env.BINDCHECK_BLESS) copyFileSync(file, path.join(root, "docs", name));
}

test("the form loads the validators and starts with the submit button disabled", async () => {
  assert.equal(await text("h1"), "Bind a bank card");
  assert.equal(await submitDisabled(), true);
  assert.equal(await text("#phone-message"), "", "no message before anything is typed");
  assert.match(await text("#phone-hint"), /SMS/);
});

test("a phone number: an error once the field is left, then a valid number", async () => {
  await type("phone", "138 0013 800");
  assert.equal(await text("#phone-message"), "", "no error while still typing");
  await leave("phone");
  const want = api.validatePhone("138 0013 800").findings[0];
  assert.equal(want.code, "phone.invalid");
  assert.equal(await text("#phone-message"), `✗ ${want.message}`);
  assert.equal(await text("#phone-hint"), want.hint);
  assert.equal(await state("phone"), "error");

  await type("phone", "138 0013 8000");
  assert.equal(await text("#phone-message"), "✓ Mobile number in CN: +86138****8000");
  assert.equal(await state("phone"), "ok");
  await leave("phone");
});

test("a phone number is formatted as it is typed, and the caret stays after its digit", async () => {
  await page.fill("#phone", "");
  await page.click("#phone");
  const number = "13800138000";
  for (let i = 1; i <= number.length; i++) {
    await page.keyboard.type(number[i - 1]);
    const want = api.formatPhoneAsYouType(number.slice(0, i), i);
    assert.equal(await page.inputValue("#phone"), want.formatted, `after ${number.slice(0, i)}`);
    assert.deepEqual(await caret("phone"), [want.caret, want.caret], `caret after ${number.slice(0, i)}`);
  }
  assert.equal(await page.inputValue("#phone"), "138 0013 8000");
  assert.deepEqual(await caret("phone"), [13, 13]);

  // A digit typed in the middle of `138 0013 800`, after `138 00`: the groups move, the
  // caret stays after the 9.
  await page.keyboard.press("Backspace");
  assert.equal(await page.inputValue("#phone"), "138 0013 800");
  for (let i = 0; i < 6; i++) await page.keyboard.press("ArrowLeft");
  assert.deepEqual(await caret("phone"), [6, 6]);
  await page.keyboard.type("9");
  assert.equal(await page.inputValue("#phone"), "138 0091 3800");
  assert.deepEqual(await caret("phone"), [7, 7]);
  // Deleting it moves everything back, the caret after `138 00`.
  await page.keyboard.press("Backspace");
  assert.equal(await page.inputValue("#phone"), "138 0013 800");
  assert.deepEqual(await caret("phone"), [6, 6]);
  // Backspace after a space deletes the space, which comes back: the caret only moves
  // before it.
  for (let i = 0; i < 2; i++) await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("Backspace");
  assert.equal(await page.inputValue("#phone"), "138 0013 800");
  assert.deepEqual(await caret("phone"), [3, 3]);

  // Spaces typed are the formatter's to place; an international number is grouped as its
  // own country groups it.
  await type("phone", "+1 650 253 0000");
  assert.equal(await page.inputValue("#phone"), api.formatPhoneAsYouType("+16502530000").formatted);
  assert.equal(await page.inputValue("#phone"), "+1 650-253-0000");

  await type("phone", "13800138000");
  assert.equal(await page.inputValue("#phone"), "138 0013 8000");
  assert.equal(await text("#phone-message"), "✓ Mobile number in CN: +86138****8000");
  await leave("phone");
});

test("an email with a typo: a warning with the suggestion, and still usable", async () => {
  await type("email", "zhang@qq.con");
  const want = api.validateEmail("zhang@qq.con").findings[0];
  assert.equal(want.code, "email.typo");
  assert.equal(await text("#email-message"), `⚠ ${want.message}`);
  assert.equal(await text("#email-message"), "⚠ The domain looks like a typo: did you mean qq.com?");
  assert.equal(await text("#email-hint"), want.hint);
  assert.equal(await state("email"), "warning");
  assert.equal(await page.isVisible("#email-suggestion"), true);
  assert.equal(await text("#email-suggestion"), "Use qq.com");
  await leave("email");
});

test("a card number typed digit by digit: brand from the first digits, grouped, checked", async () => {
  await page.fill("#card", "");
  await page.click("#card");
  const number = "4111111111111111";
  for (let i = 1; i <= number.length; i++) {
    await page.keyboard.type(number[i - 1]);
    const typed = number.slice(0, i);
    const brand = await page.getAttribute("#card-brand", "data-brand");
    assert.equal(brand, api.validateCard(typed).brand ?? null, `brand after ${typed}`);
    if (i >= 2) {
      assert.equal(brand, "visa", `Visa from ${typed}`);
      assert.equal(await text("#card-brand"), "Visa");
    }
    assert.equal(await page.inputValue("#card"), api.formatCard(typed), `grouping of ${typed}`);
    if (i < number.length) {
      assert.equal(await text("#card-message"), "Visa: keep typing (16/18/19 digits).".repeat(i >= 2) || "Keep typing…");
      assert.equal(await submitDisabled(), true);
    }
  }
  assert.equal(await page.inputValue("#card"), "4111 1111 1111 1111");
  assert.equal(await text("#card-message"), "✓ Visa card: 411111******1111");
  assert.equal(await state("card"), "ok");
  assert.equal(await submitDisabled(), true, "expiry, security code and ID number are still empty");

  // One digit wrong: the Luhn check fails, said once the field is left.
  await page.keyboard.press("Backspace");
  await page.keyboard.type("2");
  await leave("card");
  const luhn = api.validateCard("4111111111111112").findings[0];
  assert.equal(luhn.code, "card.luhn");
  assert.equal(await text("#card-message"), `✗ ${luhn.message}`);
  assert.equal(await text("#card-hint"), luhn.hint);

  // American Express groups 4-6-5 and has a 4-digit code.
  await type("card", "378282246310005");
  assert.equal(await page.inputValue("#card"), "3782 822463 10005");
  assert.equal(await text("#card-brand"), "American Express");
  assert.equal(await page.getAttribute("#cvv", "maxlength"), "4");
  assert.match(await text("#cvv-hint"), /4-digit code on the front/);

  await type("card", number);
  assert.equal(await page.getAttribute("#cvv", "maxlength"), "3");
  await leave("card");
});

test("the submit button is enabled only when every field is valid", async () => {
  await type("expiry", "1229");
  assert.equal(await page.inputValue("#expiry"), "12/29");
  await type("cvv", "123");
  assert.equal(await submitDisabled(), true);
  await type("id_number", "110105194912310021");
  await leave("id_number");
  const bad = api.validateIdNumber("110105194912310021").findings[0];
  assert.equal(await text("#id_number-message"), `✗ ${bad.message}`);
  assert.equal(await submitDisabled(), true);
  await shot("form-en.png");

  await type("id_number", "11010519491231002X");
  assert.equal(await submitDisabled(), false);
  await type("cvv", "12");
  assert.equal(await submitDisabled(), true, "a 2-digit code");
  await type("cvv", "123");
  assert.equal(await submitDisabled(), false);
  await page.click("#submit");
  assert.match(await text("#result"), /^✓ Ready to bind\. .*\+86138\*\*\*\*8000, z\*\*\*@qq\.con, 411111\*\*\*\*\*\*1111$/);
});

test("in Chinese: the same checks, the messages in Chinese", async () => {
  await type("id_number", "110105194912310021");
  await leave("id_number");
  await page.click('button[data-lang="zh-CN"]');
  assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
  assert.equal(await text("h1"), "绑定银行卡");
  assert.equal(await text("#submit"), "绑定");
  assert.equal(await submitDisabled(), true);
  const zh = { lang: "zh-CN" };
  assert.equal(await text("#phone-message"), "✓ CN 手机号码：+86138****8000");
  const typo = api.validateEmail("zhang@qq.con", zh).findings[0];
  assert.equal(await text("#email-message"), `⚠ ${typo.message}`);
  assert.equal(await text("#email-hint"), typo.hint);
  assert.equal(await text("#email-suggestion"), "改为 qq.com");
  assert.equal(await text("#card-message"), "✓ Visa 卡：411111******1111");
  const bad = api.validateIdNumber("110105194912310021", zh).findings[0];
  assert.equal(await text("#id_number-message"), `✗ ${bad.message}`);
  assert.equal(await text("#id_number-hint"), bad.hint);
  await shot("form-zh.png");

  // Taking the suggestion fixes the email; a good ID number makes the form complete.
  await page.click("#email-suggestion");
  assert.equal(await page.inputValue("#email"), "zhang@qq.com");
  assert.equal(await state("email"), "ok");
  await type("id_number", "11010519491231002X");
  assert.equal(await submitDisabled(), false);
  await page.click("#submit");
  assert.match(await text("#result"), /^✓ 可以绑定。/);
});

test("the page reported no errors", () => {
  assert.deepEqual(problems, []);
});
