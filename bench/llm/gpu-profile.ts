// What the probes read from ONNX Runtime's profiles (step-probe.ts, matmul-probe.ts): the last profile a session
// wrote, and the WebGPU provider's GPU timings in it cut into Runs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProfileEvent {
  cat: string;
  name: string;
  /** Microseconds. */
  dur: number;
  ts?: number;
  args?: { op_name?: string; provider?: string };
}

/** The events of the last profile written into `dir` by a session whose profileFilePrefix ends in `prefix`. */
export function readProfile(dir: string, prefix: string): ProfileEvent[] | undefined {
  const written = readdirSync(dir).filter((name) => name.startsWith(prefix) && name.endsWith('.json'));
  if (written.length === 0) return undefined;
  return JSON.parse(readFileSync(join(dir, written[written.length - 1]!), 'utf8')) as ProfileEvent[];
}

/**
 * The WebGPU provider's GPU timings (timestamp queries: `Api` events named node&op&program) in time order, cut into
 * Runs where the profile's first kernel comes again. Empty when the device has no timestamp queries.
 */
export function gpuRuns(events: readonly ProfileEvent[]): ProfileEvent[][] {
  const kernels = events
    .filter((event) => event.cat === 'Api' && event.name.includes('&'))
    .sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
  const first = kernels[0]?.name;
  const runs: ProfileEvent[][] = [];
  for (const kernel of kernels) {
    if (kernel.name === first || runs.length === 0) runs.push([]);
    runs[runs.length - 1]!.push(kernel);
  }
  return runs;
}

/** A Run's GPU time: its kernels' durations summed (µs). */
export const gpuTime = (run: readonly ProfileEvent[]) => run.reduce((sum, kernel) => sum + kernel.dur, 0);
