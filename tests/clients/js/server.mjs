// The openvpc binary under test ($OPENVPC_BIN, default target/debug/openvpc), started on a
// free loopback port with the admin API and no credentials file: an access key id of 12
// digits is the caller's account. It runs in a temporary directory that `stop()` removes
// once the process has exited; when a test of the file failed, the tail of its log is
// printed first.
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { afterEach } from "node:test";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(import.meta.url), "../../../..");
const BIN = process.env.OPENVPC_BIN ?? join(ROOT, "target/debug/openvpc");

export const A = "111111111111";
export const B = "222222222222";
const LOG_LINES = 60;

// Whether a test of this file (each runs in a process of its own) has failed.
let failed = false;
afterEach((t) => {
  if (!t.passed) failed = true;
});

function logTail(dir) {
  try {
    const lines = readFileSync(join(dir, "server.log"), "utf8").trimEnd().split("\n");
    return lines.slice(-LOG_LINES).join("\n");
  } catch (e) {
    return `(no log: ${e.message})`;
  }
}

function freePort() {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });
}

export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), "openvpc-js-"));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const log = openSync(join(dir, "server.log"), "a");
  const proc = spawn(
    BIN,
    ["serve", "--listen", `127.0.0.1:${port}`, "--data-dir", join(dir, "data"), "--admin-api"],
    { stdio: ["ignore", log, log] },
  );
  closeSync(log); // the child has its own
  const exited = new Promise((r) => proc.once("exit", r));
  /** Stops the process (SIGTERM: what was acknowledged is written), then removes `dir`. */
  async function stop(showLog) {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGTERM");
      const stuck = setTimeout(() => proc.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(stuck);
    }
    if (showLog) console.error(`openvpc at ${endpoint}, the last ${LOG_LINES} lines of its log:\n${logTail(dir)}`);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) {
      const tail = logTail(dir);
      await stop(false);
      throw new Error(`openvpc exited ${proc.exitCode}:\n${tail}`);
    }
    try {
      if ((await fetch(`${endpoint}/_openvpc/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop(true);
      throw new Error("openvpc did not become healthy");
    }
    await new Promise((r) => setTimeout(r, 50)); // waiting for the process, not model time
  }
  return {
    endpoint,
    /** SDK client options for `account` in `region`. */
    config(account, region = "us-east-1") {
      return {
        endpoint,
        region,
        credentials: { accessKeyId: account, secretAccessKey: "secret" },
        maxAttempts: 1,
      };
    },
    /** Moves the server's clock forward (asynchronous transitions fall due). */
    async advance(seconds) {
      const r = await fetch(`${endpoint}/_openvpc/clock/advance?seconds=${seconds}`, { method: "POST" });
      if (!r.ok) throw new Error(`clock advance: ${r.status}`);
    },
    async reset() {
      const r = await fetch(`${endpoint}/_openvpc/reset`, { method: "POST" });
      if (!r.ok) throw new Error(`reset: ${r.status}`);
    },
    /** Stops the server and removes its directory (the log's tail printed first when a
     * test of the file failed). */
    stop() {
      return stop(failed);
    },
  };
}
