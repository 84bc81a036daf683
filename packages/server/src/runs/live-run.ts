import type { StoredEvent } from './runs.repository.js';

export type LiveListener = (event: StoredEvent) => void;

/**
 * A run in progress in this process: its abort controller and every event it emitted so far, held in memory so
 * SSE clients replay and follow it without a gap or a duplicate (subscribe, then read `events`, all in one turn).
 */
export class LiveRun {
  readonly controller = new AbortController();
  readonly events: StoredEvent[] = [];
  /** Set once the run has ended and its record is written (after its run-end event went out). */
  ended = false;
  /** Resolves once the run has ended and its record is written. */
  readonly done: Promise<void>;
  private readonly listeners = new Set<LiveListener>();
  private resolveDone!: () => void;

  constructor(readonly id: string) {
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  push(event: StoredEvent): void {
    this.events.push(event);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener is one client's stream; its failure must not stop the run or the other clients.
        this.listeners.delete(listener);
      }
    }
  }

  /** Calls `listener` with each event from now on; returns the unsubscribe function. */
  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  end(): void {
    this.ended = true;
    this.listeners.clear();
    this.resolveDone();
  }

  /** Clients following the run now. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  get lastSeq(): number {
    return this.events.at(-1)?.seq ?? 0;
  }
}
