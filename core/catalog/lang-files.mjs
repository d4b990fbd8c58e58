// Makes a front end's language files from the one catalog (core/catalog/*.cat): OUTDIR/en.json,
// zh.json and ur.json, each {"key": "template"} with the English text wherever a language lacks
// one, so a page translates a core or sync message (its key and arguments) exactly as the
// native front ends do (core/src/catalog.cpp: same escapes, "{name}", "{0}", "{name:kind}").
// The command line's, the relay's and the desktop app's words (cli*.cat, relay*.cat,
// desktop*.cat) are left out, as in the booth's engine. Usage: node core/catalog/lang-files.mjs OUTDIR [--all]
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const languages = ["en", "zh", "ur"];
const [outDir, flag] = process.argv.slice(2);
if (!outDir) {
  console.error("usage: node core/catalog/lang-files.mjs OUTDIR [--all]");
  process.exit(2);
}

// "\n" a newline, "\s" a space, "\\" a backslash (core/catalog/README.md).
const unescape = (t) => t.replace(/\\([ns\\])/g, (_, c) => (c === "n" ? "\n" : c === "s" ? " " : "\\"));

const entries = new Map();  // key → {en, zh, ur}
const files = readdirSync(here).filter((f) => f.endsWith(".cat")).sort()
  .filter((f) => flag === "--all" || !/^(cli|relay|desktop)/.test(f));
for (const file of files) {
  let key = null;
  for (const line of readFileSync(join(here, file), "utf8").split("\n")) {
    const body = line.trim();
    if (!body || body.startsWith("#")) continue;
    if (!/^[ \t]/.test(line)) {
      key = body;
      if (!entries.has(key)) entries.set(key, {});
      continue;
    }
    const m = /^([a-z]{2}):(.*)$/.exec(body);
    if (!key || !m || !languages.includes(m[1])) {
      console.error(`${file}: not a catalog line: ${line}`);
      process.exit(1);
    }
    entries.get(key)[m[1]] = unescape(m[2].trim());
  }
}
mkdirSync(outDir, { recursive: true });
for (const lang of languages) {
  const out = {};
  for (const [key, texts] of entries) out[key] = texts[lang] ?? texts.en ?? key;
  writeFileSync(join(outDir, `${lang}.json`), JSON.stringify(out, null, 0) + "\n");
}
console.log(`lang-files: ${entries.size} keys from ${files.length} files into ${outDir}/{en,zh,ur}.json`);
