import type { RunEvent } from '../schema/events.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A run event before the sink stamps it with the run id, its sequence number and the time. */
export type EventBody = DistributiveOmit<RunEvent, 'runId' | 'seq' | 'time'>;

export type EventListener = (event: RunEvent) => void;

/** Numbers and delivers the events of one run, sub-runs included. */
export class EventSink {
  private seq = 0;
  /** Set by `run-end`: the run's last word. Work still winding down afterwards emits nothing. */
  private closed = false;
  constructor(
    readonly runId: string,
    private readonly listener: EventListener | undefined,
  ) {}

  /** Whether anyone listens; callers skip building events nobody reads. */
  get enabled(): boolean {
    return this.listener !== undefined;
  }

  emit(body: EventBody): void {
    if (!this.listener || this.closed) return;
    const event = body as RunEvent;
    event.runId = this.runId;
    event.seq = ++this.seq;
    event.time = Date.now();
    if (event.type === 'run-end') this.closed = true;
    try {
      this.listener(event);
    } catch (error) {
      // A faulty listener must not corrupt the run it listens to.
      console.error(`groundwork: a run event listener threw on ${event.type}:`, error);
    }
  }
}
