import type { Flow } from '@groundwork/runtime/schema';
import { useEffect, useState } from 'react';
import { api } from '../api/client.js';
import { isDirty, useEditor } from '../state/editor-store.js';
import { useRun } from '../state/run-store.js';
import { useSaveUi } from '../toolbar/save-store.js';
import { RunHistory } from './RunHistory.js';
import { RunInputsForm } from './RunInputsForm.js';
import { RunResult } from './RunResult.js';
import { ShownRun } from './ShownRun.js';
import { backToEditing, cancelRun, openRun, startRun, useRunPanel } from './use-run-controller.js';
import './runs.css';

const PHASE_LABELS = {
  idle: 'Run',
  saving: 'Saving…',
  starting: 'Starting…',
  running: 'Running…',
  cancelling: 'Running…',
};

/** Run the flow with inputs, watch it on the canvas, read its outputs, and go back to earlier runs. */
export function RunPanel() {
  const flow = useEditor((state) => state.flow);
  const saved = useEditor((state) => state.saved);
  const dirty = useEditor(isDirty);
  const view = useRun((state) => state.view);
  const { phase, error, record, origin, opening, historyStamp } = useRunPanel();
  const busy = phase !== 'idle';
  // The record belongs to the view only while they show the same run (the canvas may have been cleared).
  const shownRecord = record && view?.runId === record.id ? record : undefined;

  return (
    <div className="runpanel" data-testid="run-panel">
      {shownRecord && origin === 'history' && <ShownRun run={shownRecord} />}
      {view && <RunResult view={view} record={shownRecord} flow={flow} />}
      {view && origin === 'live' && !busy && (
        <button type="button" className="link" data-testid="run-back-to-editing" onClick={backToEditing}>
          Clear the run from the canvas
        </button>
      )}

      <section className="run-section">
        <h3>Inputs</h3>
        {!saved && (
          <div className="empty-state compact" data-testid="run-unsaved">
            <p>
              <strong>Save the flow to run it.</strong> Runs use a saved version, so every result can be traced to the
              flow that produced it.
            </p>
            <button type="button" data-testid="run-save" onClick={() => useSaveUi.getState().openDialog()}>
              Save…
            </button>
          </div>
        )}
        <RunInputsForm flow={flow} disabled={busy} />
        {error && (
          <div className="banner error" role="alert" data-testid="run-error-message">
            {error}
          </div>
        )}
        <ModelsNotice flow={flow} />
        <div className="run-actions">
          <button
            type="button"
            className="primary"
            data-testid="run-start"
            disabled={busy || flow.nodes.length === 0}
            onClick={() => void startRun()}
          >
            {phase === 'idle' && (!saved || dirty) ? 'Save and run' : PHASE_LABELS[phase]}
          </button>
          {(phase === 'running' || phase === 'cancelling') && (
            <button
              type="button"
              className="danger"
              data-testid="run-cancel"
              disabled={phase === 'cancelling'}
              onClick={() => void cancelRun()}
            >
              {phase === 'cancelling' ? 'Cancelling…' : 'Cancel'}
            </button>
          )}
        </div>
        {phase === 'idle' && saved && dirty && (
          <p className="muted">Unsaved changes are saved as a new version first (note "saved to run").</p>
        )}
      </section>

      {saved && (
        <RunHistory
          flowId={saved.id}
          stamp={historyStamp}
          shownRunId={shownRecord?.id}
          opening={opening}
          disabled={busy || opening !== undefined}
          onOpen={(run) => void openRun(run)}
        />
      )}
    </div>
  );
}

type Models =
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'ready'; usable: number; skipped: string[] };

/** A flow with llm nodes needs a local model; when none can be used, say how to add one before the run fails. */
function ModelsNotice(props: { flow: Flow }) {
  const needsModel = usesLlm(props.flow);
  const [models, setModels] = useState<Models>({ state: 'loading' });
  useEffect(() => {
    if (!needsModel) return;
    let cancelled = false;
    api.listModels().then(
      (body) => {
        if (cancelled) return;
        const usable = body.models.filter((model) => !model.problem).length;
        const skipped = body.models.filter((model) => model.problem).map((model) => `${model.name}: ${model.problem}`);
        setModels({ state: 'ready', usable, skipped });
      },
      (error: Error) => !cancelled && setModels({ state: 'error', message: error.message }),
    );
    return () => {
      cancelled = true;
    };
  }, [needsModel]);
  if (!needsModel || models.state === 'loading') return null;
  if (models.state === 'error') return <p className="muted">Could not list the local models: {models.message}</p>;
  if (models.usable > 0) return null;
  return (
    <div className="notice" data-testid="run-no-models">
      <strong>No usable model.</strong> This flow has llm nodes, and the server found no model it can run. Add one with{' '}
      <code>npx groundwork models pull onnx-community/Qwen2.5-0.5B-Instruct --dtype q4</code> (or put a model folder
      under <code>./models</code>), then run again.
      {models.skipped.length > 0 && (
        <ul>
          {models.skipped.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Whether the flow, or a sub-flow written inside one of its nodes, calls a model. */
function usesLlm(flow: { nodes: Flow['nodes'] }): boolean {
  return flow.nodes.some((node) => {
    if (node.type === 'llm') return true;
    const inner = node.config?.flow as { nodes?: unknown } | undefined;
    return Array.isArray(inner?.nodes) && usesLlm(inner as { nodes: Flow['nodes'] });
  });
}
