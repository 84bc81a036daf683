import type { EvaluationStatus, Progress } from './evaluations.schemas.js';

/** What an evaluation's event stream says: `progress`, `item-end` (one per item), `evaluation-end` (last). */
export type EvaluationEvent =
  | { type: 'progress'; data: Progress }
  | {
      type: 'item-end';
      data: { combination: number; row: number; status: 'done' | 'failed'; metrics: Record<string, number | null> };
    }
  | { type: 'evaluation-end'; data: { status: EvaluationStatus } };

export type EvaluationListener = (event: EvaluationEvent) => void;

/** Progress events go out at most this often (plus one at the end): a fast evaluation ends thousands of items/s. */
export const PROGRESS_INTERVAL_MS = 250;

/**
 * An evaluation running in this process: its abort controller (why it stops: a cancel or a shutdown), its progress
 * and the clients following its events.
 */
export class LiveEvaluation {
  readonly controller = new AbortController();
  /** Why it was stopped, when it was. */
  stopReason: 'cancel' | 'shutdown' | undefined;
  readonly done: Promise<EvaluationStatus>;
  private readonly listeners = new Set<EvaluationListener>();
  private resolveDone!: (status: EvaluationStatus) => void;
  private progressTimer: NodeJS.Timeout | undefined;
  private lastProgressAt = 0;

  constructor(
    readonly id: string,
    public progress: Progress,
  ) {
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  stop(reason: 'cancel' | 'shutdown'): void {
    this.stopReason ??= reason;
    this.controller.abort();
  }

  subscribe(listener: EvaluationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  itemEnded(event: Extract<EvaluationEvent, { type: 'item-end' }>['data']): void {
    this.progress = {
      ...this.progress,
      done: this.progress.done + (event.status === 'done' ? 1 : 0),
      failed: this.progress.failed + (event.status === 'failed' ? 1 : 0),
    };
    this.emit({ type: 'item-end', data: event });
    this.scheduleProgress();
  }

  end(status: EvaluationStatus): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.emit({ type: 'progress', data: this.progress });
    this.emit({ type: 'evaluation-end', data: { status } });
    this.listeners.clear();
    this.resolveDone(status);
  }

  private scheduleProgress(): void {
    if (this.progressTimer) return;
    const wait = Math.max(0, this.lastProgressAt + PROGRESS_INTERVAL_MS - Date.now());
    this.progressTimer = setTimeout(() => {
      this.progressTimer = undefined;
      this.lastProgressAt = Date.now();
      this.emit({ type: 'progress', data: this.progress });
    }, wait);
  }

  private emit(event: EvaluationEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One client's failed stream must not stop the evaluation or the other clients.
        this.listeners.delete(listener);
      }
    }
  }
}
