import { useState } from 'react';
import { api, type RunRecord } from '../api/client.js';
import { isDirty, useEditor } from '../state/editor-store.js';
import { ConfirmDiscardDialog } from '../toolbar/Dialog.js';
import { formatTimestamp, formatValue, formatWhen } from './format.js';
import { backToEditing, reuseInputs } from './use-run-controller.js';

/**
 * The head of a run opened from the history: when it ran, on which version, the inputs it was given, and the way
 * back to editing. A run of another version than the canvas shows offers to open that version.
 */
export function ShownRun(props: { run: RunRecord }) {
  const { run } = props;
  const saved = useEditor((state) => state.saved);
  const dirty = useEditor(isDirty);
  const [confirming, setConfirming] = useState(false);
  const [loading, setLoading] = useState<{ state: 'loading' } | { state: 'error'; message: string } | undefined>();
  const sameFlow = saved?.id === run.flowId;
  const otherVersion = !sameFlow || saved.version !== run.flowVersion;

  const openVersion = async () => {
    setConfirming(false);
    setLoading({ state: 'loading' });
    try {
      const version = await api.getVersion(run.flowId, run.flowVersion);
      // Loaded with its saved reference: saving it later is refused as stale, which offers to save a copy instead.
      useEditor.getState().load(version.flow, { id: run.flowId, version: version.version, flow: version.flow });
      setLoading(undefined);
    } catch (error) {
      setLoading({ state: 'error', message: (error as Error).message });
    }
  };

  return (
    <section className="shown-run" data-testid="shown-run">
      <div className="section-head">
        <h3 className="shown-run-title" title={formatTimestamp(run.createdAt)}>
          Run of {formatWhen(run.createdAt)} · v{run.flowVersion}
        </h3>
        <button type="button" data-testid="run-back-to-editing" onClick={backToEditing}>
          Back to editing
        </button>
      </div>
      {otherVersion && (
        <div className="notice" data-testid="run-other-version">
          This run used version {run.flowVersion}
          {sameFlow ? `; the canvas shows version ${saved.version}` : ''}, so the canvas may not match it.{' '}
          <button
            type="button"
            className="link"
            data-testid="run-open-version"
            disabled={loading?.state === 'loading'}
            onClick={() => (dirty ? setConfirming(true) : void openVersion())}
          >
            {loading?.state === 'loading' ? 'Opening…' : `Open version ${run.flowVersion}`}
          </button>
          {loading?.state === 'error' && <div className="field-error">Could not open it: {loading.message}</div>}
        </div>
      )}
      {!otherVersion && dirty && <p className="muted">The canvas has unsaved changes since this run's version.</p>}
      <h4>Inputs</h4>
      {Object.keys(run.inputs).length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <dl className="run-inputs-used">
          {Object.entries(run.inputs).map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>
                <pre>{formatValue(value)}</pre>
              </dd>
            </div>
          ))}
        </dl>
      )}
      {Object.keys(run.variants).length > 0 && (
        <p className="muted small">
          Variants:{' '}
          {Object.entries(run.variants)
            .map(([node, variant]) => `${node} = ${variant}`)
            .join(', ')}
        </p>
      )}
      <button type="button" className="link" onClick={() => reuseInputs(run)}>
        Use these inputs in the form
      </button>
      {confirming && (
        <ConfirmDiscardDialog
          action={`open version ${run.flowVersion}`}
          onConfirm={() => void openVersion()}
          onCancel={() => setConfirming(false)}
        />
      )}
    </section>
  );
}
