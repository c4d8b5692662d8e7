// The npm package as a form developer gets it: target/wasm-pkg/ (built by .ci/wasm-build)
// packed by `npm pack`, installed with `npm install <tarball>` into a new project outside the
// repository, and used there from Node (ESM and CommonJS, each in a process of its own), from
// TypeScript, and in headless Chromium from a page bundled by esbuild and from one that loads
// the module without a bundler.
//
//   node --test tests/js/npm.test.mjs

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { cargoVersion, installPackage, launch, root, serve, stop } from "./npm-project.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const TSC = path.join(here, "node_modules/typescript/bin/tsc");

// Every file the tarball must hold, and no other: no Rust sources, tests or source maps.
const FILES = [
  "README.md",
  "bindcheck.d.ts",
  "bindcheck.js",
  "bindcheck_bg.wasm",
  "bindcheck_bg.wasm.d.ts",
  "node/bindcheck.d.ts",
  "node/bindcheck.js",
  "node/bindcheck_bg.wasm",
  "node/bindcheck_bg.wasm.d.ts",
  "node/package.json",
  "package.json",
];

let project;
let browser;

before(() => {
  project = installPackage();
});

after(async () => {
  await browser?.close();
  project?.remove();
});

// Writes `files` (name → text) into the project.
function write(files) {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(project.dir, name)), { recursive: true });
    writeFileSync(path.join(project.dir, name), text);
  }
}

// Runs a script of the project in a Node process of its own; what it printed, as JSON.
function run(script) {
  const out = execFileSync(process.execPath, [script], { cwd: project.dir, encoding: "utf8" });
  return JSON.parse(out);
}

const hasChinese = (text) => /[\u4e00-\u9fff]/.test(text);

// The answers a script in the project prints, ESM or CommonJS.
const PROBE = `
const phone = validatePhone("138 0013 8000");
const short = validatePhone("138 0013 800");
const shortZh = validatePhone("138 0013 800", { lang: "zh-CN" });
const card = validateCard("4111 1111 1111 1112");
console.log(JSON.stringify({
  phone: { valid: phone.valid, region: phone.region, normalized: phone.normalized },
  short: { code: short.findings[0].code, message: short.findings[0].message },
  shortZh: { code: shortZh.findings[0].code, message: shortZh.findings[0].message },
  card: { brand: card.brand, codes: card.findings.map((f) => f.code) },
  email: validateEmail("zhang@qq.con").suggestion,
  exports: Object.keys(all).filter((k) => k !== "default" && k !== "module.exports").sort(),
}));
`;

function assertAnswers(got) {
  assert.deepEqual(got.phone, { valid: true, region: "CN", normalized: "+86138****8000" });
  assert.equal(got.short.code, "phone.invalid");
  assert.equal(got.shortZh.code, "phone.invalid");
  assert.ok(hasChinese(got.shortZh.message), `lang zh-CN answers in Chinese: ${got.shortZh.message}`);
  assert.ok(!hasChinese(got.short.message), `English by default: ${got.short.message}`);
  assert.deepEqual(got.card, { brand: "visa", codes: ["card.luhn"] });
  assert.equal(got.email, "qq.com");
  assert.ok(got.exports.includes("validate") && got.exports.includes("formatPhoneAsYouType"), got.exports.join());
}

test("the tarball holds the package, at Cargo.toml's version, and nothing else", () => {
  const { pack } = project;
  assert.equal(pack.name, "bindcheck");
  const cargo = cargoVersion(readFileSync(path.join(root, "Cargo.toml"), "utf8"));
  assert.ok(cargo, "Cargo.toml has a [package] version");
  assert.equal(pack.version, cargo);
  assert.equal(path.basename(project.tarball), `bindcheck-${cargo}.tgz`);
  assert.deepEqual(pack.files.map((f) => f.path).sort(), FILES);

  const installed = path.join(project.dir, "node_modules/bindcheck");
  const manifest = JSON.parse(readFileSync(path.join(installed, "package.json"), "utf8"));
  assert.equal(manifest.version, cargo);
  assert.equal(manifest.license, "Apache-2.0");
  assert.equal(manifest.sideEffects, false);
  assert.deepEqual(manifest.dependencies ?? {}, {}, "no dependencies: installs without a registry");
  assert.match(readFileSync(path.join(installed, "README.md"), "utf8"), /npm install bindcheck/);

  // The panic messages name source files; never by this machine's paths (the publisher's
  // home directory and user name, the checkout).
  for (const wasm of ["bindcheck_bg.wasm", "node/bindcheck_bg.wasm"]) {
    const bytes = readFileSync(path.join(installed, wasm));
    for (const local of [os.homedir() + "/", root + "/"]) {
      assert.equal(bytes.includes(local), false, `${wasm} holds the path ${local}`);
    }
  }
});

test("Node, as an ES module: import { validatePhone } from \"bindcheck\"", () => {
  write({ "esm.mjs": `import { validatePhone, validateCard, validateEmail } from "bindcheck";\nimport * as all from "bindcheck";\n${PROBE}` });
  assertAnswers(run("esm.mjs"));
});

test("Node, as CommonJS: require(\"bindcheck\")", () => {
  write({
    "cjs.cjs": `const all = require("bindcheck");\nconst { validatePhone, validateCard, validateEmail } = all;\n${PROBE}`,
  });
  const cjs = run("cjs.cjs");
  assertAnswers(cjs);
  write({ "esm.mjs": `import { validatePhone, validateCard, validateEmail } from "bindcheck";\nimport * as all from "bindcheck";\n${PROBE}` });
  assert.deepEqual(cjs, run("esm.mjs"), "ESM and CommonJS give the same answers and exports");
});

test("TypeScript finds the declarations, for a bundler and for Node", () => {
  write({
    "ts/form.ts": `import init, { validatePhone, validateCard, type FieldView } from "bindcheck";
export async function check(value: string): Promise<string> {
  await init();
  const v: FieldView = validatePhone(value, { lang: "zh-CN", allowedRegions: ["CN"] });
  const brand: string | undefined = validateCard("4111").brand;
  return v.findings[0]?.code ?? brand ?? "ok";
}
`,
    "ts/server.mts": `import { validateEmail } from "bindcheck";
export const suggestion: string | undefined = validateEmail("zhang@qq.con").suggestion ?? undefined;
`,
    "ts/wrong.ts": `import { validatePhone } from "bindcheck";
export const v = validatePhone(13800138000);
`,
  });
  const tsc = (args) =>
    spawnSync(process.execPath, [TSC, "--strict", "--noEmit", "--target", "es2022", "--lib", "es2022,dom", ...args], {
      cwd: project.dir,
      encoding: "utf8",
    });
  const bundler = tsc(["--module", "esnext", "--moduleResolution", "bundler", "ts/form.ts"]);
  assert.equal(bundler.status, 0, bundler.stdout + bundler.stderr);
  const node = tsc(["--module", "nodenext", "--moduleResolution", "nodenext", "ts/server.mts"]);
  assert.equal(node.status, 0, node.stdout + node.stderr);
  // And the declarations are checked, not `any`: a number where the input is a string fails.
  const wrong = tsc(["--module", "esnext", "--moduleResolution", "bundler", "ts/wrong.ts"]);
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stdout, /wrong\.ts\(2,\d+\): error TS2345/);
});

async function pageResult(server, page) {
  const tab = await browser.newPage();
  const problems = [];
  tab.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  tab.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  await tab.goto(`http://127.0.0.1:${server.address().port}/${page}`);
  await tab.waitForSelector("body[data-ready=true]", { timeout: 15000 });
  const result = JSON.parse(await tab.textContent("#out"));
  await tab.close();
  assert.deepEqual(problems, []);
  return result;
}

const PAGE_SCRIPT = `
const phone = validatePhone(document.querySelector("#phone").value, { lang: "zh-CN" });
const card = validateCard(document.querySelector("#card").value);
document.querySelector("#out").textContent = JSON.stringify({
  phone: [phone.valid, phone.findings.map((f) => f.code), phone.findings[0]?.message],
  card: [card.brand, card.findings.map((f) => f.code)],
  formatted: formatCard(document.querySelector("#card").value),
});
document.body.dataset.ready = "true";
`;
const PAGE_BODY = `<input id="phone" value="138 0013 800"><input id="card" value="4111111111111112"><pre id="out"></pre>`;

function assertPage(got) {
  assert.equal(got.phone[0], false);
  assert.deepEqual(got.phone[1], ["phone.invalid"]);
  assert.ok(hasChinese(got.phone[2]), got.phone[2]);
  assert.deepEqual(got.card, ["visa", ["card.luhn"]]);
  assert.equal(got.formatted, "4111 1111 1111 1112");
}

test("a page bundled by esbuild, in Chromium", async () => {
  write({
    "src/page.js": `import init, { validatePhone, validateCard, formatCard } from "bindcheck";
import wasm from "bindcheck/bindcheck_bg.wasm";
await init({ module_or_path: wasm });
${PAGE_SCRIPT}`,
  });
  const dist = path.join(project.dir, "dist");
  await build({
    absWorkingDir: project.dir,
    entryPoints: ["src/page.js"],
    bundle: true,
    format: "esm",
    platform: "browser",
    outdir: dist,
    loader: { ".wasm": "file" },
    logLevel: "silent",
  });
  writeFileSync(
    path.join(dist, "index.html"),
    `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">${PAGE_BODY}<script type="module" src="page.js"></script>`,
  );
  const bundle = readFileSync(path.join(dist, "page.js"), "utf8");
  assert.doesNotMatch(bundle, /require\(['"](node:)?fs['"]\)/, "the browser build, not the Node one");
  assert.ok(readdirSync(dist).some((f) => /^bindcheck_bg-\w+\.wasm$/.test(f)), readdirSync(dist).join());

  browser ??= await launch();
  const server = await serve(dist);
  try {
    assertPage(await pageResult(server, "index.html"));
  } finally {
    await stop(server);
  }
});

test("a page without a bundler: an import map, init() finds the .wasm itself", async () => {
  write({
    "plain.html": `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="importmap">{"imports": {"bindcheck": "./node_modules/bindcheck/bindcheck.js"}}</script>
${PAGE_BODY}
<script type="module">
import init, { validatePhone, validateCard, formatCard } from "bindcheck";
await init();
${PAGE_SCRIPT}
</script>`,
  });
  browser ??= await launch();
  const server = await serve(project.dir);
  try {
    assertPage(await pageResult(server, "plain.html"));
  } finally {
    await stop(server);
  }
});

