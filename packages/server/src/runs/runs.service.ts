import type { AppContext } from '../context.js';

// STUB: replaced by the runs feature.
export class RunService {
  constructor(_context: Omit<AppContext, 'runs' | 'keys'>) {}

  /** Marks runs left running by a process that died as interrupted; returns how many. */
  markInterrupted(): number {
    return 0;
  }

  /** Stops the runs in progress (server shutdown). */
  async close(): Promise<void> {}
}
