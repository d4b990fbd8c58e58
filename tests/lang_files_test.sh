#!/usr/bin/env bash
# The web app's language files are made from the one catalog (core/catalog/lang-files.mjs):
# three JSON files with the same keys, every key of the catalog's files but the CLI's, the
# relay's and the desktop app's, translations where the catalog has them, English where it does
# not, placeholders intact.
# Exit 0: ok; 1: the files are wrong (what is printed says how).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node "$root/core/catalog/lang-files.mjs" "$tmp" >/dev/null
node - "$tmp" "$root/core/catalog" <<'JS'
const fs = require("fs"), path = require("path");
const [dir, catDir] = process.argv.slice(2);
const read = (l) => JSON.parse(fs.readFileSync(path.join(dir, `${l}.json`), "utf8"));
const en = read("en"), zh = read("zh"), ur = read("ur");
const fail = (m) => { console.error(`lang_files_test: ${m}`); process.exit(1); };
// Every key of the catalog files the web app gets, and no other.
const keys = new Set();
for (const f of fs.readdirSync(catDir).filter((f) => f.endsWith(".cat") && !/^(cli|relay|desktop)/.test(f))) {
  for (const line of fs.readFileSync(path.join(catDir, f), "utf8").split("\n")) {
    if (line.trim() && !line.startsWith("#") && !/^[ \t]/.test(line)) keys.add(line.trim());
  }
}
for (const [name, o] of [["en", en], ["zh", zh], ["ur", ur]]) {
  const k = Object.keys(o);
  if (k.length !== keys.size) fail(`${name}.json has ${k.length} keys, the catalog ${keys.size}`);
  for (const key of keys) if (!(key in o)) fail(`${name}.json lacks ${key}`);
  if (k.some((x) => x.startsWith("cli."))) fail(`${name}.json carries the CLI's words`);
  if (k.some((x) => x.startsWith("desktop."))) fail(`${name}.json carries the desktop app's words`);
}
// Translations, placeholders and escapes as the core reads them.
if (zh["label.office.beijing"] !== "北京") fail(`zh label.office.beijing is ${zh["label.office.beijing"]}`);
if (!ur["sync.approve_wrong_code"].includes("{device}")) fail("ur sync.approve_wrong_code lost {device}");
if (en["sync.what.changes_of"] !== "changes {seq} of device {device} ({role:role}, {office:office})")
  fail(`en sync.what.changes_of is ${en["sync.what.changes_of"]}`);
for (const key of keys) {
  for (const m of en[key].matchAll(/\{([a-z0-9_]+)(:[a-z_]+)?\}/g)) {
    if (!zh[key].includes(`{${m[1]}`) || !ur[key].includes(`{${m[1]}`)) fail(`${key}: {${m[1]}} lost`);
  }
}
console.log(`lang_files_test: ok (${keys.size} keys in en, zh, ur)`);
JS
