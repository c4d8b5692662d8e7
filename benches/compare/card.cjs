// Times npm card-validator's valid.number on an input file written by
// `cargo bench --bench throughput -- write-inputs DIR` (one card number a line).
//
//   NODE_PATH=.../node_modules node card.cjs DIR/card.txt
//
// Single-threaded, timed like benches/throughput.rs: one warm-up pass over the whole list
// (which also lets V8 optimize), then the best of 5 passes. The last line is
// `RESULT card <items> <ns per item> <valid>`.
"use strict";

const fs = require("node:fs");
const valid = require("card-validator");

const PASSES = 5;
const path = process.argv[2];
if (!path) {
  process.stderr.write("usage: node card.cjs FILE\n");
  process.exit(2);
}
const version = require("card-validator/package.json").version;
if (version !== "10.0.4") throw new Error(`expected card-validator 10.0.4, got ${version}`);

const lines = fs.readFileSync(path, "utf8").split("\n");
if (lines.length && lines[lines.length - 1] === "") lines.pop();

function onePass() {
  let ok = 0;
  for (const n of lines) if (valid.number(n).isValid) ok += 1;
  return ok;
}

let count = onePass(); // warm-up
let best = Infinity;
for (let i = 0; i < PASSES; i++) {
  const start = process.hrtime.bigint();
  count = onePass();
  const ns = Number(process.hrtime.bigint() - start) / lines.length;
  if (ns < best) best = ns;
}
console.log(`card-validator card: ${lines.length} items, best of ${PASSES} passes: ${best.toFixed(1)} ns/item, ${count} valid`);
console.log(`RESULT card ${lines.length} ${best.toFixed(1)} ${count}`);
