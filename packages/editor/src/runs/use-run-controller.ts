import type { Flow } from '@groundwork/runtime/schema';
import { create } from 'zustand';
import { ApiError, api, followRun, type RunRecord } from '../api/client.js';
import { useEditor } from '../state/editor-store.js';
import { useRun } from '../state/run-store.js';
import { applyRunEvent, type RunView, startedRun } from '../state/run-view.js';
import { describeSaveFailure, needsSave, saveCurrentFlow, savedRefOf, saveStatusOf } from '../toolbar/save-flow.js';
import { useSaveUi } from '../toolbar/save-store.js';
import { collectInputs, type RawValue, rawFromValue } from './run-inputs.js';

export type RunPhase = 'idle' | 'saving' | 'starting' | 'running' | 'cancelling';

/**
 * The run panel's state. It lives outside the component because a run goes on while the side panel shows the
 * inspector: following its events and the form's contents must survive the panel being unmounted.
 */
export interface RunPanelState {
  /** Fields the user changed, by input name; the others show the declared default. */
  values: Record<string, RawValue>;
  /** The variant picked per node id; nodes not named run their default. */
  variants: Record<string, string>;
  phase: RunPhase;
  /** Per field: by input name, or `variants.<nodeId>`. */
  fieldErrors: Record<string, string>;
  error: string | undefined;
  /** The run the panel shows: the one started here (`live`), or one opened from the history. */
  record: RunRecord | undefined;
  origin: 'live' | 'history' | undefined;
  /** The history run being fetched, while it is. */
  opening: string | undefined;
  /** Bumped when a run ends, so the history lists it. */
  historyStamp: number;
}

const initialState: RunPanelState = {
  values: {},
  variants: {},
  phase: 'idle',
  fieldErrors: {},
  error: undefined,
  record: undefined,
  origin: undefined,
  opening: undefined,
  historyStamp: 0,
};

export const useRunPanel = create<RunPanelState>()(() => initialState);

const set = (partial: Partial<RunPanelState>) => useRunPanel.setState(partial);

/** How often a dropped event stream is picked up again before the panel gives up following. */
const RECONNECTS = 3;
let following: AbortController | undefined;

export function setInputValue(name: string, value: RawValue): void {
  const { values, fieldErrors } = useRunPanel.getState();
  const { [name]: _cleared, ...rest } = fieldErrors;
  set({ values: { ...values, [name]: value }, fieldErrors: rest });
}

export function setVariant(nodeId: string, variant: string): void {
  set({ variants: { ...useRunPanel.getState().variants, [nodeId]: variant } });
}

/** The variant each node with variants runs with: the picked one while it still exists, else its default. */
export function chosenVariants(flow: Flow, picked: Record<string, string>): Record<string, string> {
  const chosen: Record<string, string> = {};
  for (const node of flow.nodes) {
    const names = (node.variants ?? []).map((variant) => variant.name);
    if (names.length === 0) continue;
    const pick = picked[node.id];
    chosen[node.id] = pick && names.includes(pick) ? pick : (node.defaultVariant ?? names[0]!);
  }
  return chosen;
}

/** Saves the document if it has unsaved changes (runs use stored versions), starts the run and follows it. */
export async function startRun(): Promise<void> {
  const state = useRunPanel.getState();
  if (state.phase !== 'idle') return;
  const { flow } = useEditor.getState();
  const { values, errors } = collectInputs(flow.inputs, state.values);
  if (Object.keys(errors).length > 0) {
    set({ fieldErrors: errors, error: 'Some inputs are not valid; see the fields marked below.' });
    return;
  }
  set({ fieldErrors: {}, error: undefined });
  let ref = useEditor.getState().saved;
  if (!ref || needsSave()) {
    set({ phase: 'saving' });
    try {
      const result = await saveCurrentFlow('saved to run');
      useSaveUi.getState().announce(saveStatusOf(result));
      ref = savedRefOf(result);
    } catch (error) {
      const failure = describeSaveFailure(error);
      set({ phase: 'idle', error: `The flow must be saved before it runs, and saving failed: ${failure.message}` });
      if (failure.kind === 'stale' || failure.kind === 'name-taken') useSaveUi.getState().openDialog();
      return;
    }
  }
  set({ phase: 'starting' });
  let run: RunRecord;
  try {
    run = await api.startRun(ref.id, {
      inputs: values,
      variants: chosenVariants(ref.flow, state.variants),
      version: ref.version,
    });
  } catch (error) {
    set({ phase: 'idle', ...startFailure(error) });
    return;
  }
  await followStartedRun(
    run,
    ref.flow.nodes.map((node) => node.id),
  );
}

/**
 * Shows a run that has just started (from the form, or as a replay) with `nodeIds` queued on the canvas, and
 * follows it live until it ends. Call it in the `starting` phase.
 */
export async function followStartedRun(run: RunRecord, nodeIds: readonly string[]): Promise<void> {
  // The document was replaced while the run started (resetRunPanel): the run goes on, unfollowed, in the history.
  if (useRunPanel.getState().phase !== 'starting') return;
  useRun.getState().begin(run.id, nodeIds);
  set({ phase: 'running', record: run, origin: 'live' });
  await follow(run.id);
}

/** A refused start: bad inputs name their fields; anything else is said once above the form. */
function startFailure(error: unknown): Pick<RunPanelState, 'error' | 'fieldErrors'> {
  const message = (error as Error).message ?? String(error);
  if (!(error instanceof ApiError)) return { error: `The run did not start: ${message}`, fieldErrors: {} };
  const issues =
    (error.body as { error?: { issues?: { path: string; message: string }[] } } | undefined)?.error?.issues ?? [];
  if (error.code === 'invalid-inputs' && issues.length > 0) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of issues) fieldErrors[issue.path.replace(/^(body\.)?inputs\./, '')] = issue.message;
    return { error: 'The server refused these inputs; see the fields marked below.', fieldErrors };
  }
  if (error.code === 'invalid-flow')
    return { error: `The flow cannot run until its problems are fixed: ${message}`, fieldErrors: {} };
  return { error: `The run did not start: ${message}`, fieldErrors: {} };
}

/** Feeds a live run's events to the canvas until run-end, picking the stream up where it dropped. */
async function follow(runId: string): Promise<void> {
  following?.abort();
  const controller = new AbortController();
  following = controller;
  for (let attempt = 0; ; attempt++) {
    const after = useRun.getState().view?.lastSeq ?? 0;
    try {
      await followRun(runId, (event) => useRun.getState().apply(event), { after, signal: controller.signal });
    } catch {
      // A dropped connection: the run goes on without us; try again below.
    }
    if (controller.signal.aborted) return;
    const view = useRun.getState().view;
    if (view?.runId !== runId || view.status !== 'running') break;
    if (attempt >= RECONNECTS) {
      set({
        error: 'The connection to the run was lost; it may still be running. Its result will show in the history.',
      });
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 500 * (attempt + 1)));
  }
  if (following === controller) following = undefined;
  set({ phase: 'idle', historyStamp: useRunPanel.getState().historyStamp + 1 });
}

/** Asks the server to stop the run; its run-end event (status cancelled) ends the following. */
export async function cancelRun(): Promise<void> {
  const { record, phase } = useRunPanel.getState();
  if (!record || phase !== 'running') return;
  set({ phase: 'cancelling' });
  try {
    await api.cancelRun(record.id);
  } catch (error) {
    // 409: it ended on its own meanwhile, and its run-end is on the way.
    if (error instanceof ApiError && error.status === 409) return;
    set({ phase: 'running', error: `Could not cancel the run: ${(error as Error).message}` });
  }
}

/**
 * Shows a past run: its stored events replayed into a fresh view (off the store, so the canvas changes once),
 * or, when it is still running, followed live.
 */
export async function openRun(run: RunRecord): Promise<void> {
  if (useRunPanel.getState().phase !== 'idle') return;
  set({ opening: run.id, error: undefined });
  if (run.status === 'running') {
    useRun.getState().begin(run.id, []);
    set({ opening: undefined, record: run, origin: 'live', phase: 'running' });
    await follow(run.id);
    return;
  }
  let view = startedRun(run.id, []);
  try {
    await followRun(run.id, (event) => {
      view = applyRunEvent(view, event);
    });
  } catch (error) {
    if (useRunPanel.getState().opening === run.id)
      set({ opening: undefined, error: `Could not load the run's events: ${(error as Error).message}` });
    return;
  }
  if (useRunPanel.getState().opening !== run.id) return;
  useRun.getState().show(withRecord(view, run));
  set({ opening: undefined, record: run, origin: 'history' });
}

/** A run whose events are missing or cut short (a server stopped mid-run) still shows what its record says. */
function withRecord(view: RunView, run: RunRecord): RunView {
  if (view.status !== 'running') return view;
  return {
    ...view,
    status: run.status === 'succeeded' || run.status === 'cancelled' ? run.status : 'failed',
    ...(run.outputs ? { outputs: run.outputs } : {}),
    ...(run.error ? { error: run.error } : {}),
    ...(run.durationMs !== null ? { durationMs: run.durationMs } : {}),
  };
}

/** Clears the run from the canvas and the panel; a live run goes on being followed until it ends. */
export function backToEditing(): void {
  if (useRunPanel.getState().phase !== 'idle') return;
  useRun.getState().show(undefined);
  set({ record: undefined, origin: undefined, error: undefined });
}

/** Fills the form with the inputs a shown run used. */
export function reuseInputs(run: RunRecord): void {
  const declared = useEditor.getState().flow.inputs ?? {};
  const values: Record<string, RawValue> = {};
  for (const [name, input] of Object.entries(declared)) values[name] = rawFromValue(input, run.inputs[name]);
  set({ values, variants: { ...run.variants }, fieldErrors: {} });
}

/**
 * Another document replaced the one being edited (New, Open, Import): the panel starts afresh. A run in progress
 * goes on on the server (it is in the history) but is no longer followed here.
 */
export function resetRunPanel(): void {
  following?.abort();
  following = undefined;
  useRun.getState().show(undefined);
  set({ ...initialState, historyStamp: useRunPanel.getState().historyStamp });
}
