import { flowNameSchema } from '@groundwork/runtime/schema';
import { useState } from 'react';
import type { SavedFlow } from '../api/client.js';
import { useEditor } from '../state/editor-store.js';
import { Dialog } from './Dialog.js';
import {
  describeSaveFailure,
  reloadLatest,
  type SaveFailure,
  saveAsCopy,
  saveCurrentFlow,
  saveOntoExisting,
  saveStatusOf,
} from './save-flow.js';
import { type SaveStatus, useSaveUi } from './save-store.js';

type Step = { step: 'edit' } | { step: 'saving' } | { step: 'failed'; failure: SaveFailure };

/** The first save also names the flow (its name is its address in the API); later saves only take a note. */
export function SaveDialog() {
  const flow = useEditor((state) => state.flow);
  const saved = useEditor((state) => state.saved);
  const { closeDialog, announce } = useSaveUi.getState();
  const [note, setNote] = useState('');
  const [name, setName] = useState(flow.name);
  const [copyName, setCopyName] = useState(`${flow.name}-copy`);
  const [step, setStep] = useState<Step>({ step: 'edit' });
  const busy = step.step === 'saving';
  const failure = step.step === 'failed' ? step.failure : undefined;
  const askName = !saved || failure?.kind === 'name-taken';
  const nameProblem = askName ? nameError(name) : undefined;

  const attempt = async (save: () => Promise<SavedFlow>, report: (result: SavedFlow) => SaveStatus = saveStatusOf) => {
    setStep({ step: 'saving' });
    try {
      announce(report(await save()));
      closeDialog();
    } catch (error) {
      setStep({ step: 'failed', failure: describeSaveFailure(error) });
    }
  };

  const save = () => {
    if (nameProblem) return;
    if (askName && name !== useEditor.getState().flow.name)
      useEditor.getState().change((current) => ({ ...current, name }));
    void attempt(() => saveCurrentFlow(note.trim() || undefined));
  };

  const reload = () => {
    if (!saved) return;
    void attempt(
      () => reloadLatest(saved.id),
      (result) => ({ text: `Reloaded v${result.version.version}`, detail: '', tone: 'ok' }),
    );
  };

  return (
    <Dialog
      title={saved ? `Save version ${saved.version + 1} of "${flow.name}"` : 'Save the flow'}
      testId="save-dialog"
      busy={busy}
      onClose={closeDialog}
      actions={
        <>
          <button type="button" onClick={closeDialog} disabled={busy}>
            Cancel
          </button>
          {failure?.kind !== 'stale' && (
            <button
              type="submit"
              form="save-form"
              className="primary"
              data-testid="save-confirm"
              disabled={busy || nameProblem !== undefined}
            >
              {busy ? 'Saving…' : failure ? 'Save again' : 'Save'}
            </button>
          )}
        </>
      }
    >
      <form
        id="save-form"
        onSubmit={(event) => {
          event.preventDefault();
          save();
        }}
      >
        {askName && (
          <label className="field">
            <span>Name</span>
            <input
              data-testid="save-name"
              value={name}
              disabled={busy}
              onChange={(event) => setName(event.target.value)}
            />
            {nameProblem && <span className="field-error">Name {nameProblem}</span>}
          </label>
        )}
        <label className="field">
          <span>Note (optional)</span>
          <input
            data-testid="save-note"
            value={note}
            disabled={busy}
            placeholder="What changed, e.g. friendlier billing reply"
            onChange={(event) => setNote(event.target.value)}
          />
        </label>
      </form>
      {failure && <FailureNotice failure={failure} busy={busy} />}
      {failure?.kind === 'name-taken' && !saved && (
        <p className="muted">
          Or keep the name and{' '}
          <button
            type="button"
            className="link"
            data-testid="save-onto-existing"
            disabled={busy}
            onClick={() => void attempt(() => saveOntoExisting(note.trim() || undefined))}
          >
            save as the next version of the existing "{flow.name}"
          </button>
        </p>
      )}
      {failure?.kind === 'stale' && (
        <div className="conflict-actions">
          <button type="button" data-testid="conflict-reload" disabled={busy} onClick={reload}>
            Reload version {failure.latestVersion ?? 'latest'} (discard my changes)
          </button>
          <div className="conflict-copy">
            <input
              data-testid="conflict-copy-name"
              value={copyName}
              disabled={busy}
              aria-label="Name of the copy"
              onChange={(event) => setCopyName(event.target.value)}
            />
            <button
              type="button"
              data-testid="conflict-copy"
              disabled={busy || nameError(copyName) !== undefined}
              onClick={() => void attempt(() => saveAsCopy(copyName, note.trim() || undefined))}
            >
              Save my changes as a new flow
            </button>
          </div>
          {nameError(copyName) && <span className="field-error">Name {nameError(copyName)}</span>}
        </div>
      )}
    </Dialog>
  );
}

function FailureNotice(props: { failure: SaveFailure; busy: boolean }) {
  const { failure } = props;
  const text = {
    stale: `Someone saved a newer version of this flow${failure.kind === 'stale' && failure.latestVersion ? ` (v${failure.latestVersion})` : ''} since you opened it, in another tab or through the API. Your changes are not saved yet: reload theirs, or keep yours as a new flow.`,
    'name-taken': 'Another flow already has this name. Choose another name.',
    unreachable: 'The server cannot be reached, so nothing was saved. Start it with npm start, then save again.',
    error: 'The flow was not saved.',
  }[failure.kind];
  return (
    <div className="banner error" role="alert" data-testid="save-error">
      <strong>{text}</strong>
      <div className="detail">{failure.message}</div>
    </div>
  );
}

function nameError(name: string): string | undefined {
  const parsed = flowNameSchema.safeParse(name);
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}
