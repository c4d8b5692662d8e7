// What npm.test.mjs and form.e2e.mjs share: the npm package (target/wasm-pkg/, built by
// .ci/wasm-build) packed with `npm pack` and installed into a fresh project outside the
// repository as a form developer would install it, a loopback HTTP server for a directory,
// and Debian's Chromium through playwright-core.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFile, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "../..");
export const pkgDir = path.join(root, "target/wasm-pkg");
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

// npm talks to no registry here: the tarball has no dependencies.
const NPM_QUIET = ["--no-audit", "--no-fund", "--no-update-notifier", "--loglevel=error"];

function npm(args, cwd) {
  return execFileSync("npm", [...args, ...NPM_QUIET], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

// `npm pack` of the built package, then `npm install <tarball>` into a new project in the
// system's temporary directory. Returns the project's directory, the tarball's path and what
// `npm pack --json` said about it (name, version, files); `remove()` deletes both.
export function installPackage() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "bindcheck-npm-"));
  const [pack] = JSON.parse(npm(["pack", pkgDir, "--json", "--pack-destination", tmp], tmp));
  const tarball = path.join(tmp, pack.filename);
  const dir = path.join(tmp, "project");
  mkdirSync(dir);
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "a-bind-form", version: "1.0.0", private: true, type: "module" }, null, 2),
  );
  npm(["install", "--offline", "--ignore-scripts", tarball], dir);
  return { dir, tarball, pack, remove: () => rmSync(tmp, { recursive: true, force: true }) };
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

// Serves the files under `dir`, nothing else, on 127.0.0.1 and a free port.
export function serve(dir) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    const file = path.join(dir, path.normalize(decodeURIComponent(url.pathname)));
    if (req.method !== "GET" || !file.startsWith(dir + path.sep)) {
      res.writeHead(404).end();
      return;
    }
    readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404).end();
        return;
      }
      const type = TYPES[path.extname(file)] ?? "application/octet-stream";
      res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

export function stop(server) {
  return new Promise((resolve) => (server ? server.close(resolve) : resolve()));
}

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

// The version in Cargo.toml's [package] section: the one the package must have.
export function cargoVersion(text) {
  const pkg = text.split(/^\[/m).find((s) => s.startsWith("package]"));
  return pkg?.match(/^version\s*=\s*"([^"]+)"/m)?.[1];
}
