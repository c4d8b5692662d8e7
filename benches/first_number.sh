#!/usr/bin/env bash
# The cost of a region's first number, before and after a change, side by side in one run
# (target: at most 50 µs a region). Builds benches/first_number/main.rs twice in a scratch
# crate, once against the bindcheck tree at BEFORE (a git revision, default: main) and once
# against this tree, then runs the two alternately, RUNS times each, pinned to one core.
#
#   benches/first_number.sh                 # BEFORE=main RUNS=5
#   BEFORE=e4d3e69 RUNS=9 benches/first_number.sh
#   BEFORE_TREE=/path/to/checkout benches/first_number.sh   # an existing checkout instead
#
# Every run is a fresh process, so every region is cold once per run; each line is one run.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
before=${BEFORE:-main}
runs=${RUNS:-5}
target_dir=${CARGO_TARGET_DIR:-$root/target}
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bindcheck-first-number.XXXXXX")
cleanup() {
  git -C "$root" worktree remove --force "$tmp/before-tree" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

before_tree=${BEFORE_TREE:-}
if [[ -z $before_tree ]]; then
  before_tree=$tmp/before-tree
  git -C "$root" worktree add --detach --quiet "$before_tree" "$before"
fi
before=$(git -C "$before_tree" rev-parse --short HEAD)

# One scratch crate per side; both share the target dir, and with the same features and
# profile as `cargo build --release` each reuses its tree's library build.
scratch() { # name, path of the bindcheck tree
  mkdir -p "$tmp/$1/src"
  cp "$here/first_number/main.rs" "$tmp/$1/src/main.rs"
  cat >"$tmp/$1/Cargo.toml" <<TOML
[package]
name = "first-number-$1"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
bindcheck = { path = "$2" }

[profile.release]
lto = "thin"
codegen-units = 4

[workspace]
TOML
  cp "$root/Cargo.lock" "$tmp/$1/Cargo.lock"
  echo "== building $1 ($2)" >&2
  (cd "$tmp/$1" && CARGO_TARGET_DIR=$target_dir cargo build --release --quiet)
  echo "$target_dir/release/first-number-$1"
}
bin_before=$(scratch before "$before_tree")
bin_after=$(scratch after "$root")

echo
echo "== first number of each region, $runs fresh processes each, alternating; target: at most 50 µs"
echo "   before = $before ($before_tree), after = this tree ($(git -C "$root" rev-parse --short HEAD))"
for ((i = 0; i < runs; i++)); do
  printf 'before  '; "${pin[@]}" "$bin_before" "$root/fixtures/phone/reference.csv"
  printf 'after   '; "${pin[@]}" "$bin_after" "$root/fixtures/phone/reference.csv"
done
