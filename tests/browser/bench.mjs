// How fast the console opens, answers and follows a change, measured in chromium.
//
//   node tests/browser/bench.mjs --data-dir DIR --account ACCOUNT [--runs 5]
//   node tests/browser/bench.mjs --demo [--runs 5]
//
// Serves DIR (an `openvpc import` of a real or synthetic account; use a release build:
// OPENVPC_BIN=target/release/openvpc) or, with --demo, the seed's world on a fresh server,
// then for each run:
//   open    navigation to the drawing of the account (every read parsed and drawn, painted);
//   fetch   side by side, the same Describe calls from Node, transfer only (no parsing or
//           drawing): what the network and server alone cost;
//   find    typing an id in the search box until the VPC is opened and its details shown;
//   change  a VPC created through the API until it is on the open page (live updates).
// Prints medians and the open/fetch ratio. Figures go in docs/benchmarks.md.

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { KINDS } from '../../crates/console/assets/js/kinds.js';
import { LARGE } from '../../crates/console/assets/js/model.js';
import { launch, ready, runDemo, startServer } from './harness.mjs';

const { values: opt } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    account: { type: 'string', default: '111111111111' },
    demo: { type: 'boolean', default: false },
    runs: { type: 'string', default: '5' },
  },
});
const runs = Number(opt.runs);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// A copy: the change figure creates and deletes a VPC.
let dataDir = null;
if (opt['data-dir']) {
  dataDir = join(mkdtempSync(join(tmpdir(), 'openvpc-bench-')), 'data');
  cpSync(opt['data-dir'], dataDir, { recursive: true });
}
const server = await startServer({ dataDir });
if (opt.demo) runDemo(server.endpoint);
const account = opt.account;
const api = server.api(account);
const vpcs = (await api.all('DescribeVpcs', {}, KINDS.vpc.list)).map((v) => v.vpcId);
const large = vpcs.length > LARGE;

/** The Describe calls the page makes on opening, fetched without parsing. */
async function fetchOnly() {
  const kinds = Object.entries(KINDS).filter(([, k]) => !k.onDemand && !k.optional && !(large && k.perVpc));
  const started = performance.now();
  await Promise.all(kinds.map(([, k]) => api.call(k.action, {}, k.service ?? 'ec2').catch(() => null)));
  return performance.now() - started;
}

const browser = await launch();
const figures = { open: [], fetch: [], find: [], change: [] };
try {
  for (let run = 0; run < runs; run++) {
    const page = await browser.newPage();
    const started = performance.now();
    await page.goto(`${server.endpoint}/console?account=${account}&region=us-east-1`);
    await ready(page);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    figures.open.push(performance.now() - started);
    figures.fetch.push(await fetchOnly());

    const target = vpcs[(run * 7919) % vpcs.length];
    const findStart = performance.now();
    await page.fill('#search', target);
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => document.querySelector('#side [data-selected]')?.dataset.selected === id, target);
    figures.find.push(performance.now() - findStart);

    const loads = Number(await page.evaluate(() => document.body.dataset.loads));
    const changeStart = performance.now();
    const vpc = (await api.call('CreateVpc', { CidrBlock: `10.${200 + run}.0.0/16` })).vpc.vpcId;
    await page.locator(`svg .node[data-id="${vpc}"]`).waitFor({ timeout: 60000 });
    figures.change.push(performance.now() - changeStart);
    await ready(page, loads);
    await api.call('DeleteVpc', { VpcId: vpc });
    await page.close();
  }
} finally {
  await browser.close();
  await server.stop();
  if (dataDir) rmSync(dirname(dataDir), { recursive: true, force: true });
}

const ms = (x) => `${Math.round(x)} ms`;
console.log(`console on ${opt.demo ? 'the seed world' : opt['data-dir']}: account ${account}, ${vpcs.length} VPCs (${large ? 'large: per-VPC reads on demand' : 'read whole'}), ${runs} runs, medians`);
console.log(`  open (navigation to painted drawing)  ${ms(median(figures.open))}`);
console.log(`  fetch only (same reads, from Node)    ${ms(median(figures.fetch))}   open/fetch ${(median(figures.open) / median(figures.fetch)).toFixed(2)}`);
console.log(`  find a VPC by id and open it          ${ms(median(figures.find))}`);
console.log(`  a change through the API on the page  ${ms(median(figures.change))}`);
console.log(JSON.stringify(Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, v.map(Math.round)]))));
