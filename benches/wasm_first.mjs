// The WebAssembly package's first answers in headless Chromium (issue #16, item 5): how long
// `init()` takes (fetch, compile, instantiate), then the first call of each validator after
// it, as a bind form meets them when a person starts typing. Each run is a new browser
// context, so nothing is cached between runs; the package is served from loopback.
//
//   .ci/wasm-build && (cd tests/js && npm ci) && node benches/wasm_first.mjs
//   RUNS=50 node benches/wasm_first.mjs
//
// Prints two Markdown tables (median, p95 and worst of RUNS runs, in ms) for
// docs/performance.md: the first calls straight after init(), and once the page is idle (a
// person's first keystroke cannot come sooner), the two taking turns; and the .wasm's size,
// raw and gzip -9. Uses tests/js's playwright-core and Debian's Chromium
// (CHROMIUM=/path to use another).

import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync, copyFileSync, rmSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { launch, pkgDir, serve, stop } from "../tests/js/npm-project.mjs";

const RUNS = Number(process.env.RUNS || 30);

// The page: every time is taken inside the page with performance.now().
const PAGE = `<!doctype html><meta charset="utf-8"><title>first answers</title>
<script type="module">
import init, * as bc from "./bindcheck.js";
const t = [];
const mark = (name, f) => { const a = performance.now(); f(); t.push([name, performance.now() - a]); };
const a = performance.now();
await init();
t.push(["init() (fetch, compile, instantiate)", performance.now() - a]);
if (new URLSearchParams(location.search).has("idle")) {
  // As a person meets it: the first keystroke comes after the page has settled, not in the
  // same task as init(). Nothing of bindcheck runs while it waits.
  const w = performance.now();
  await new Promise((r) => requestIdleCallback(r, { timeout: 2000 }));
  t.push(["wait for the page to be idle", performance.now() - w]);
}
mark("first validatePhone, CN mobile", () => bc.validatePhone("138 0013 8000"));
mark("first validateEmail", () => bc.validateEmail("zhang.wei@qq.com"));
mark("first validateCard, UnionPay", () => bc.validateCard("6222 0212 3456 7890 128"));
mark("first validatePhone, another region (+1)", () => bc.validatePhone("+1 650 253 0000"));
mark("second validatePhone, CN mobile", () => bc.validatePhone("139 0013 8000"));
window.times = t;
</script>`;

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const dir = mkdtempSync(path.join(os.tmpdir(), "bindcheck-wasm-first-"));
for (const f of readdirSync(pkgDir)) {
  if (f.endsWith(".js") || f.endsWith(".wasm")) copyFileSync(path.join(pkgDir, f), path.join(dir, f));
}
writeFileSync(path.join(dir, "index.html"), PAGE);
const server = await serve(dir);
const browser = await launch();
// Two ways of meeting the first call, taking turns run by run: straight after init() (in the
// same task), and once the page is idle.
const MODES = [
  ["straight after init()", "index.html"],
  ["once the page is idle (requestIdleCallback)", "index.html?idle"],
];
const samples = new Map(MODES.map(([mode]) => [mode, new Map()]));
try {
  for (let i = 0; i < RUNS; i++) {
    for (const [mode, url] of MODES) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${server.address().port}/${url}`);
      const times = await page.waitForFunction(() => window.times, null, { timeout: 30000 }).then((h) => h.jsonValue());
      const by = samples.get(mode);
      for (const [name, ms] of times) {
        if (!by.has(name)) by.set(name, []);
        by.get(name).push(ms);
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  await stop(server);
  rmSync(dir, { recursive: true, force: true });
}

// Sized as .ci/wasm-build sizes it: gzip -9 (Node's zlib at level 9 gives other figures).
const wasmPath = path.join(pkgDir, "bindcheck_bg.wasm");
const gz = execFileSync("gzip", ["-9", "-c", wasmPath], { maxBuffer: 1 << 26 }).length;
console.log(`bindcheck_bg.wasm: ${readFileSync(wasmPath).length} bytes, ${gz} bytes gzip -9`);
console.log(`${RUNS} runs, a new browser context each (${process.env.CHROMIUM || "/usr/bin/chromium"})\n`);
for (const [mode, by] of samples) {
  console.log(`\nThe first calls ${mode}:\n`);
  console.log("| step | median | p95 | worst |\n|---|---|---|---|");
  for (const [name, values] of by) {
    const s = [...values].sort((x, y) => x - y);
    const f = (v) => `${v.toFixed(2)} ms`;
    console.log(`| ${name} | ${f(percentile(s, 50))} | ${f(percentile(s, 95))} | ${f(s[s.length - 1])} |`);
  }
}
