// Builds the booth web app into a site folder that already holds the engine (engine/) and the
// language files (lang/) — wasm/'s dosti_engine_site — so that `dosti-relay --web SITE` serves
// one origin: the app at its root, the engine beside it.
//   node web/build.mjs SITE [--dev]
// Writes SITE/index.html, app.js (src/ bundled by esbuild with Preact and htm, minified unless
// --dev), app.css, manifest.webmanifest, icons/, and sw.js with the list of every file the
// booth needs offline (the app, engine/, lang/; not test/) and a version that is a hash of
// their contents, so any change to any of them is a new version for the service worker; and
// FILE.wasm.gz beside the engine for the relay to send to browsers that accept gzip.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeIcons } from './icons.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const site = args.find((a) => !a.startsWith('--'));
if (!site) {
  console.error('usage: node web/build.mjs SITE [--dev]');
  process.exit(2);
}
const dev = args.includes('--dev');
const out = resolve(site);
for (const needed of ['engine/dosti_engine.wasm', 'engine/worker.js', 'lang/en.json']) {
  try {
    statSync(join(out, needed));
  } catch {
    console.error(`web/build.mjs: ${join(out, needed)} is missing: build wasm/'s dosti_engine_site first`);
    process.exit(1);
  }
}

mkdirSync(join(out, 'icons'), { recursive: true });
await build({
  entryPoints: [join(here, 'src/main.js')],
  bundle: true,
  format: 'esm',
  target: ['chrome108', 'firefox111', 'safari16.4'],
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  legalComments: 'eof',
  outfile: join(out, 'app.js'),
  logLevel: 'warning',
});
for (const f of ['index.html', 'app.css', 'manifest.webmanifest']) copyFileSync(join(here, f), join(out, f));
copyFileSync(join(here, 'icons/icon.svg'), join(out, 'icons/icon.svg'));
writeIcons(join(out, 'icons'));

// Every file a booth needs offline, as paths relative to the site's root.
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? filesUnder(path) : [path];
  });
}
const files = filesUnder(out)
  .map((p) => relative(out, p).split(sep).join('/'))
  .filter((p) => p !== 'sw.js' && !p.startsWith('test/') && !p.endsWith('.gz'))
  .sort();
const hash = createHash('sha256');
for (const f of files) hash.update(f).update('\0').update(readFileSync(join(out, f)));
const version = hash.digest('hex').slice(0, 16);
const worker = readFileSync(join(here, 'sw.js'), 'utf8')
  .replace("'__VERSION__'", JSON.stringify(version))
  .replace('__FILES__', JSON.stringify(files));
writeFileSync(join(out, 'sw.js'), worker);

// The engine's wasm also gzipped beside it (FILE.gz, level 9): dosti-relay sends it to a browser
// that accepts gzip (sync/relay/README.md, "Static files"; the text files it gzips itself).
for (const f of files.filter((f) => f.endsWith('.wasm'))) {
  const bytes = readFileSync(join(out, f));
  const gz = gzipSync(bytes, { level: 9 });
  writeFileSync(join(out, f + '.gz'), gz);
  console.log(`web: ${f}: ${bytes.length} bytes, ${gz.length} gzipped`);
}
console.log(`web: the booth app in ${out} (${files.length} files, version ${version})`);
