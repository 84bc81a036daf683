/**
 * Synchronous nodes complete inside the scheduler's loop, and promises resolve as microtasks: neither lets the
 * event loop turn. So every run in the process shares one time slice, and a run that has worked through it lets
 * the event loop take a turn (signals, timers, HTTP requests) before it goes on. The clock is read every 64 nodes.
 */
const SLICE_MS = 10;
const NODES_PER_CLOCK_READ = 64;
let sliceStart = performance.now();
let nodesSinceClockRead = 0;
const nextTurn: (callback: () => void) => void = globalThis.setImmediate ?? ((callback) => setTimeout(callback, 0));

/** Counts one node started; true when the slice is used up and the caller should `yieldTurn`. */
export function sliceUsedUp(): boolean {
  if (++nodesSinceClockRead < NODES_PER_CLOCK_READ) return false;
  nodesSinceClockRead = 0;
  return performance.now() - sliceStart > SLICE_MS;
}

/** Lets the event loop turn, then starts a new slice and calls `resume`. */
export function yieldTurn(resume: () => void): void {
  nextTurn(() => {
    sliceStart = performance.now();
    resume();
  });
}
