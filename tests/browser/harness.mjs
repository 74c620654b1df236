// What the browser test and the picture script share: a real `openvpc serve` on a free
// loopback port, Debian's chromium through playwright-core, and an API client (the
// console's own, signing with SigV4 in Node as it does in the page).

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { Api, arr } from '../../crates/console/assets/js/api.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.OPENVPC_BIN || join(ROOT, 'target/debug/openvpc');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** Starts `openvpc serve` (with `--admin-api`; `credentials`: lines of a credentials
 * file; `dataDir`: serve that state instead of a fresh one). Resolves once
 * /_openvpc/health answers. Its temporary directory is removed by `stop()`, once the
 * process has exited (a given `dataDir` is left alone). */
export async function startServer({ credentials = null, args = [], dataDir = null } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'openvpc-browser-'));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const data = dataDir ?? join(dir, 'data');
  const argv = ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', data, '--admin-api', ...args];
  if (credentials) {
    writeFileSync(join(dir, 'credentials'), credentials.map((c) => c.join(' ')).join('\n') + '\n');
    argv.push('--credentials', join(dir, 'credentials'));
  }
  const proc = spawn(BIN, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => (log += d));
  const exited = new Promise((r) => proc.once('exit', r));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const stuck = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(stuck);
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${endpoint}/_openvpc/health`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (proc.exitCode !== null || i > 600) {
      await stop();
      throw new Error(`openvpc did not start: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 50)); // waiting for the process to listen, not for model time
  }
  return {
    endpoint,
    port,
    dir,
    dataDir: data,
    api: (accessKeyId, secretAccessKey = 'browser-test', region = 'us-east-1') =>
      new Api({ accessKeyId, secretAccessKey, region, host: `127.0.0.1:${port}`, base: endpoint }),
    advance: (seconds) => fetch(`${endpoint}/_openvpc/clock/advance?seconds=${seconds}`, { method: 'POST' }),
    stop,
  };
}

/** `openvpc demo --json` against a server: the seed's world and its ids. */
export function runDemo(endpoint) {
  return JSON.parse(execFileSync(BIN, ['demo', '--endpoint', endpoint, '--json'], { encoding: 'utf8' }));
}

/** Debian's chromium, headless, with a fresh profile that `close()` removes once the
 * browser has exited. */
export async function launch({ width = 1280, height = 800 } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'openvpc-chromium-'));
  const removeProfile = () => rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  let context;
  try {
    context = await launchIn(profile, width, height);
  } catch (e) {
    removeProfile();
    throw e;
  }
  const close = context.close.bind(context);
  context.close = async (...args) => {
    try {
      await close(...args);
    } finally {
      removeProfile();
    }
  };
  return context;
}

function launchIn(profile, width, height) {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width, height },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Watches a page for script errors: uncaught exceptions and console errors. A failed
 * response of the API itself (an EC2 error answered on purpose, such as InvalidAction for
 * an action this server does not serve yet) is an answer, not a script error: those are
 * kept apart in `apiErrors`.
 */
export function watch(page, endpoint) {
  const errors = [];
  const apiErrors = [];
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) {
      const url = r.url();
      const api = url === `${endpoint}/` || url.startsWith(`${endpoint}/_openvpc/`);
      (api ? apiErrors : errors).push(`${r.status()} ${r.request().method()} ${url}`);
    }
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`);
  });
  return { errors, apiErrors };
}

/** Waits until the page has read the account (`loads` > `after`). */
export async function ready(page, after = 0) {
  await page.waitForFunction((n) => document.body.dataset.state === 'ready' && Number(document.body.dataset.loads) > n, after);
}

export async function traced(page) {
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.trace));
}

export { arr };
