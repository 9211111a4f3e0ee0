#!/usr/bin/env node
// Prints the size of every built asset, raw and compressed, and what the attendee home page
// loads first (index.html's script and style plus the chunks they import statically).
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, brotliCompressSync } from 'node:zlib';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
if (!existsSync(join(dist, 'index.html'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(1);
}
const budgetKb = Number(process.env.FIRST_LOAD_BUDGET_KB ?? 300);
const kb = (n) => (n / 1024).toFixed(1).padStart(8);
const sizes = (file) => {
  const raw = readFileSync(file);
  return { raw: raw.length, gz: gzipSync(raw, { level: 9 }).length, br: brotliCompressSync(raw).length };
};

const assets = readdirSync(join(dist, 'assets'))
  .filter((f) => /\.(js|css)$/.test(f))
  .map((f) => ({ name: `assets/${f}`, ...sizes(join(dist, 'assets', f)), ...statSync(join(dist, 'assets', f)) }))
  .sort((a, b) => b.gz - a.gz);

// The first load: what index.html references, then static imports of those chunks, recursively.
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const first = new Set();
const queue = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
while (queue.length) {
  const name = queue.shift();
  if (first.has(name)) continue;
  first.add(name);
  if (name.endsWith('.js')) {
    const code = readFileSync(join(dist, name), 'utf8');
    // Static imports only: `import ... from "./x.js"` / `import "./x.js"`, not import("./x.js").
    for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w${},*\s]+from\s*)?["']\.\/([^"']+\.js)["']/g))
      queue.push(`assets/${m[1]}`);
  }
}

console.log('asset'.padEnd(48), '     raw KB', '    gzip KB', '  brotli KB', ' first load');
for (const a of assets) {
  console.log(a.name.padEnd(48), kb(a.raw), '  ', kb(a.gz), '  ', kb(a.br), first.has(a.name) ? '   yes' : '');
}
const total = (k) => assets.filter((a) => first.has(a.name)).reduce((n, a) => n + a[k], 0);
const jsFirst = (k) => assets.filter((a) => first.has(a.name) && a.name.endsWith('.js')).reduce((n, a) => n + a[k], 0);
console.log('');
console.log(
  `first load of the home page: JS ${kb(jsFirst('gz')).trim()} KB gzip (${kb(jsFirst('br')).trim()} KB brotli), JS+CSS ${kb(total('gz')).trim()} KB gzip`,
);
console.log(`all assets: ${kb(assets.reduce((n, a) => n + a.gz, 0)).trim()} KB gzip`);
if (jsFirst('gz') > budgetKb * 1024) {
  console.error(`over budget: first-load JavaScript exceeds ${budgetKb} KB compressed`);
  process.exit(1);
}
console.log(`within the ${budgetKb} KB budget`);
