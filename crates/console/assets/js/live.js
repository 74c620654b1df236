// Live updates: the page polls the server's change counter (GET /_openvpc/changes, signed)
// twice a second and re-reads the account when it moves, so that a change made by any client
// shows within about two seconds, without a reload.

export const POLL_MS = 500;

/**
 * Starts polling. `onChange()` (async) runs when the counter moved since the last poll;
 * `onStatus(text, ok)` reports the state of the link. Returns `{ stop }`.
 */
export function startLive(api, onChange, onStatus = () => {}) {
  let last = null;
  let stopped = false;
  let timer = null;
  const tick = async () => {
    if (stopped) return;
    try {
      const now = await api.changes();
      if (last !== null && now !== last) {
        last = now;
        await onChange();
      }
      last = now;
      onStatus('live', true);
    } catch (e) {
      onStatus(`live updates paused: ${e.message}`, false);
    }
    if (!stopped) timer = setTimeout(tick, POLL_MS);
  };
  tick();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
