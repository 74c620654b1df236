// Saves what the console shows at a URL: `OUT.svg`, the drawing exported as SVG (with the
// trace and its verdict as a caption), or `OUT.png`, a screenshot of the page at 1280×800.
//
//   node tests/browser/picture.mjs docs/img/x.svg 'http://127.0.0.1:4566/console?account=…'
//
// A `zoom=F` parameter (not the console's) zooms the drawing by F before a PNG is taken.
//
// Used by scripts/tutorial.py to keep the tutorial's pictures current.

import { writeFileSync } from 'node:fs';

import { launch } from './harness.mjs';

const [out, rawUrl] = process.argv.slice(2);
// `zoom=F` in the query (not the console's own): zoom the drawing by F once it is shown.
const parsed = rawUrl ? new URL(rawUrl) : null;
const zoom = Number(parsed?.searchParams.get('zoom') || 1);
parsed?.searchParams.delete('zoom');
const url = parsed?.toString();
if (!out || !url || !/\.(svg|png)$/.test(out)) {
  console.error('usage: node picture.mjs OUT.svg|OUT.png URL');
  process.exit(2);
}

const browser = await launch();
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  const query = new URL(url).searchParams;
  await page.waitForFunction(() => document.body.dataset.state === 'ready');
  if (query.get('view') === 'matrix') await page.waitForFunction(() => document.body.dataset.matrix === 'done');
  else if (query.get('from') && query.get('to')) await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.trace));
  if (query.get('select')) await page.waitForFunction((id) => document.querySelector('[data-selected]')?.dataset.selected === id, query.get('select'));
  if (zoom !== 1) {
    await page.evaluate((f) => window.openvpcConsole.zoom(f), zoom);
  }
  if (errors.length) throw new Error(`script errors: ${errors.join('; ')}`);
  if (out.endsWith('.png')) {
    await page.screenshot({ path: out });
  } else {
    const svg = await page.evaluate(() => window.openvpcConsole.exportPicture());
    writeFileSync(out, svg + '\n');
  }
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
