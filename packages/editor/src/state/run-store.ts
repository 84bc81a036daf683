import type { RunEvent } from '@groundwork/runtime/schema';
import { create } from 'zustand';
import { applyRunEvent, type RunView, startedRun } from './run-view.js';

/** The run shown on the canvas: the one in progress, or a past one opened from the history. */
export interface RunState {
  view: RunView | undefined;
  /** Set while the view follows a live run. */
  live: boolean;
  begin(runId: string, nodeIds: readonly string[]): void;
  apply(event: RunEvent): void;
  show(view: RunView | undefined, live?: boolean): void;
}

export const useRun = create<RunState>()((set, get) => ({
  view: undefined,
  live: false,
  begin(runId, nodeIds) {
    set({ view: startedRun(runId, nodeIds), live: true });
  },
  apply(event) {
    const { view } = get();
    if (!view || view.runId !== event.runId) return;
    const next = applyRunEvent(view, event);
    set({ view: next, live: next.status === 'running' });
  },
  show(view, live = false) {
    set({ view, live });
  },
}));
