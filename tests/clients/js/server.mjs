// The openvpc binary under test ($OPENVPC_BIN, default target/debug/openvpc), started on a
// free loopback port with the admin API and no credentials file: an access key id of 12
// digits is the caller's account.
import { spawn } from "node:child_process";
import { mkdtempSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(import.meta.url), "../../../..");
const BIN = process.env.OPENVPC_BIN ?? join(ROOT, "target/debug/openvpc");

export const A = "111111111111";
export const B = "222222222222";

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
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`openvpc exited; see ${dir}/server.log`);
    try {
      if ((await fetch(`${endpoint}/_openvpc/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("openvpc did not become healthy");
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
    stop() {
      proc.kill("SIGTERM");
    },
  };
}
