// CORS as a browser enforces it: Debian's Chromium (playwright-core) on a page served from
// one loopback origin calls `bindcheck serve` on another port with fetch(), as a shop's form
// would. The page's origin is listed (`--cors-origin`): the preflight passes, the page reads
// the answer and its X-Request-Id. The same page from an origin that is not listed
// (`localhost` instead of `127.0.0.1`) cannot read the answer at all.
//
//   cargo build && node --test tests/js/cors.e2e.mjs
//
// The binary is $BINDCHECK_BIN, else target/debug/bindcheck.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import readline from "node:readline";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const BINARY = process.env.BINDCHECK_BIN || path.join(root, "target/debug/bindcheck");

const PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>shop</title>
<body data-ready="true">A shop's bind form would be here.</body></html>`;

// The shop's page, on 127.0.0.1 and a free port.
function servePage() {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

// `bindcheck serve` on a free loopback port, allowing `origin`; resolves to its address
// once it says it is ready.
function startServe(origin) {
  const child = spawn(BINARY, ["serve", "--listen", "127.0.0.1:0", "--cors-origin", origin], {
    env: { PATH: process.env.PATH, NO_COLOR: "1", RUST_LOG: "info" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const lines = readline.createInterface({ input: child.stderr });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("bindcheck serve did not get ready")), 15000);
    lines.on("line", (line) => {
      const at = line.split(/\s+/).find((w) => w.startsWith("listen="));
      if (at) {
        clearTimeout(timer);
        resolve(at.slice("listen=".length));
      }
    });
    child.on("exit", (code) => reject(new Error(`bindcheck serve exited with ${code}`)));
  });
  return { child, ready };
}

let site; // the shop's page server
let sitePort;
let serve;
let api;
let browser;

before(async () => {
  site = await servePage();
  sitePort = site.address().port;
  serve = startServe(`http://127.0.0.1:${sitePort}`);
  api = `http://${await serve.ready}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
});

after(async () => {
  await browser?.close();
  serve?.child.kill();
  await new Promise((resolve) => (site ? site.close(resolve) : resolve()));
});

// What the page at `origin` gets when it posts `body` to /v1/validate.
async function callFrom(origin, body) {
  const tab = await browser.newPage();
  try {
    await tab.goto(`${origin}/`);
    await tab.waitForSelector("body[data-ready=true]");
    return await tab.evaluate(
      async ({ url, body }) => {
        try {
          const r = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json", "accept-language": "zh-CN" },
            body: JSON.stringify(body),
          });
          return { status: r.status, id: r.headers.get("x-request-id"), json: await r.json() };
        } catch (e) {
          return { error: String(e) };
        }
      },
      { url: `${api}/v1/validate`, body },
    );
  } finally {
    await tab.close();
  }
}

test("a page on a listed origin calls the API and reads the answer and its request id", async () => {
  const got = await callFrom(`http://127.0.0.1:${sitePort}`, { phone: "138 0013 8000", email: "li@qq.con" });
  assert.equal(got.error, undefined, JSON.stringify(got));
  assert.equal(got.status, 200);
  assert.equal(got.json.fields.phone.normalized, "+86138****8000");
  assert.match(got.id, /^[0-9a-f-]{36}$/, "X-Request-Id is exposed to the page");
  // An error answer is readable too, in the page's language.
  const bad = await callFrom(`http://127.0.0.1:${sitePort}`, { phone: "1", region: "XX" });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error, "未知的地区代码。");
});

test("the same page from an origin that is not listed cannot read the answer", async () => {
  const got = await callFrom(`http://localhost:${sitePort}`, { phone: "138 0013 8000" });
  assert.ok(got.error, `the browser let the page read ${JSON.stringify(got)}`);
  assert.match(got.error, /TypeError/);
});
