#!/usr/bin/env node
// Compares two folders of end-to-end screenshots with ImageMagick's `compare -metric AE` (the
// number of pixels that differ), e.g. the walk's screenshots before and after a change:
//
//   node e2e/compare-shots.mjs [--noise DIR]... [--diff DIR] BEFORE_DIR [AFTER_DIR=e2e/screenshots]
//
// The walk is not pixel-stable from run to run: ids, e-mail addresses, QR codes, covers coloured
// by event id, times and countdowns differ each time. Each --noise DIR is another run of the
// same code as BEFORE_DIR; the pixels where it differs from BEFORE_DIR, widened by NOISE_RADIUS
// (6 px), are that run-to-run noise, and the pixels that differ after the change outside it are
// counted apart ("outside noise", with the box around them): those are the ones to explain.
//
// Prints one line per screenshot that differs (pixels, or both sizes when they differ) and those
// found in one folder only. --diff DIR writes each difference there as an image (changed pixels
// in red), and NAME.outside.png with the pixels outside the noise. Exits 1 when any screenshot differs outside the noise (or at all, without --noise),
// 2 when ImageMagick is missing (Debian: imagemagick).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const noiseDirs = [];
const positional = [];
let diffDir = null;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--noise') noiseDirs.push(resolve(argv[++i]));
  else if (argv[i] === '--diff') diffDir = resolve(argv[++i]);
  else positional.push(argv[i]);
}
if (positional.length < 1 || positional.length > 2 || noiseDirs.includes(undefined)) {
  console.error('usage: node e2e/compare-shots.mjs [--noise DIR]... [--diff DIR] BEFORE_DIR [AFTER_DIR]');
  process.exit(2);
}
if (spawnSync('compare', ['-version']).status !== 0) {
  console.error('missing ImageMagick compare (apt-get install -y imagemagick)');
  process.exit(2);
}
const before = resolve(positional[0]);
const after = resolve(positional[1] ?? join(webDir, 'e2e', 'screenshots'));
if (diffDir) mkdirSync(diffDir, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'compare-shots-'));
// How far the noise reaches around the pixels seen to differ between before runs: random text and
// QR modules differ in other pixels each run, within a few pixels of those seen.
const kRadius = Number(process.env.NOISE_RADIUS ?? 6);

const pngs = (dir) => new Set(readdirSync(dir).filter((f) => f.endsWith('.png')));
const size = (file) => execFileSync('identify', ['-format', '%wx%h', file], { encoding: 'utf8' }).trim();
const im = (...args) => execFileSync('convert', args, { encoding: 'utf8' }).trim();
/// White where two images of one size differ at all, black elsewhere.
const diffMask = (x, y, out) => im(x, y, '-compose', 'difference', '-composite', '-colorspace', 'gray', '-threshold', '0', out);
const whitePixels = (file) => Number(im(file, '-format', '%[fx:round(mean*w*h)]', 'info:'));

const a = pngs(before);
const b = pngs(after);
let differ = 0;
let same = 0;
let unexplained = 0;
for (const name of [...new Set([...a, ...b])].sort()) {
  if (!a.has(name) || !b.has(name)) {
    console.log(`${name}: only ${a.has(name) ? 'before' : 'after'}`);
    differ++;
    unexplained++;
    continue;
  }
  const [x, y] = [join(before, name), join(after, name)];
  const sx = size(x);
  const sy = size(y);
  const noise = noiseDirs.map((d) => join(d, name)).filter((f) => existsSync(f));
  const noiseSizes = noise.map(size);
  if (sx !== sy) {
    const seen = noiseSizes.some((s) => s !== sx);
    console.log(
      `${name}: size ${sx} → ${sy}${noise.length ? (seen ? ' (sizes differ between the before runs too)' : ' (same size in every before run)') : ''}`,
    );
    differ++;
    if (!seen) unexplained++;
    continue;
  }
  // compare writes the metric to stderr and exits 0 (same), 1 (different) or 2 (error).
  const r = spawnSync('compare', ['-metric', 'AE', x, y, diffDir ? join(diffDir, name) : 'null:'], { encoding: 'utf8' });
  if (r.status === 2) {
    console.log(`${name}: compare failed: ${r.stderr.trim()}`);
    differ++;
    unexplained++;
    continue;
  }
  const pixels = Number.parseFloat(r.stderr.trim());
  if (!(pixels > 0)) {
    same++;
    if (diffDir) rmSync(join(diffDir, name), { force: true });
    continue;
  }
  differ++;
  const [w, h] = sx.split('x').map(Number);
  let line = `${name}: ${pixels} pixels differ (${((100 * pixels) / (w * h)).toFixed(2)}% of ${sx})`;
  const sameSized = noise.filter((_, i) => noiseSizes[i] === sx);
  if (noiseDirs.length) {
    if (sameSized.length === 0) {
      line += '; no before run of this size to tell noise from change';
      unexplained++;
    } else {
      const masks = sameSized.map((n, i) => {
        const m = join(work, `noise-${i}.png`);
        diffMask(x, n, m);
        return m;
      });
      const noiseMask = join(work, 'noise.png');
      im(
        ...masks.flatMap((m, i) => (i === 0 ? [m] : [m, '-compose', 'lighten', '-composite'])),
        '-morphology',
        'Dilate',
        `Square:${kRadius}`,
        noiseMask,
      );
      const changed = join(work, 'changed.png');
      diffMask(x, y, changed);
      const outside = join(work, 'outside.png');
      im(changed, '(', noiseMask, '-negate', ')', '-compose', 'multiply', '-composite', outside);
      const n = whitePixels(outside);
      line += `; ${n} outside the run-to-run noise of ${sameSized.length} before run${sameSized.length > 1 ? 's' : ''}`;
      if (n > 0) {
        unexplained++;
        // Where they are: the box around them (WxH+X+Y).
        line += ` (in ${im(outside, '-trim', '-format', '%wx%h%O', 'info:')})`;
        if (diffDir) im(outside, '-fill', 'red', '-opaque', 'white', join(diffDir, name.replace(/\.png$/, '.outside.png')));
      }
    }
  } else unexplained++;
  console.log(line);
}
rmSync(work, { recursive: true, force: true });
console.log(
  `${same} identical, ${differ} different${noiseDirs.length ? `, ${unexplained} not explained by run-to-run noise` : ''}`,
);
process.exit(unexplained ? 1 : 0);
