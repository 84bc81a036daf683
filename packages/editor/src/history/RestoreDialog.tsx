import { useState } from 'react';
import type { VersionEntry } from '../api/client.js';
import { formatWhen } from '../runs/format.js';
import { Dialog } from '../toolbar/Dialog.js';

/**
 * Asks before restoring: restoring saves a new version with the old content (nothing is deleted), replaces the
 * document on the canvas, and so discards unsaved edits, which it says when there are some.
 */
export function RestoreDialog(props: {
  entry: VersionEntry;
  latestVersion: number;
  dirty: boolean;
  onRestore(note: string | undefined): Promise<void>;
  onClose(): void;
}) {
  const { entry } = props;
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const defaultNote = `restored version ${entry.version}`;

  const restore = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await props.onRestore(note.trim() || undefined);
    } catch (failure) {
      setError((failure as Error).message);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`Restore version ${entry.version}?`}
      testId="history-restore-dialog"
      busy={busy}
      onClose={props.onClose}
      actions={
        <>
          <button type="button" data-testid="history-restore-cancel" disabled={busy} onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="button"
            className={props.dirty ? 'danger' : 'primary'}
            data-testid="history-restore-confirm"
            disabled={busy}
            onClick={() => void restore()}
          >
            {busy ? 'Restoring…' : props.dirty ? 'Discard changes and restore' : `Restore v${entry.version}`}
          </button>
        </>
      }
    >
      <p>
        Saves a new version, v{props.latestVersion + 1}, with the content of v{entry.version} (
        {entry.note ? `“${entry.note}”, ` : ''}
        {formatWhen(entry.createdAt)}), and opens it. Versions after v{entry.version} stay in the history.
      </p>
      {props.dirty && (
        <p className="banner warn" data-testid="history-restore-unsaved">
          The canvas has unsaved changes. They will be lost.
        </p>
      )}
      <label className="field">
        <span>Note</span>
        <input
          type="text"
          value={note}
          placeholder={defaultNote}
          maxLength={2000}
          data-testid="history-restore-note"
          disabled={busy}
          onChange={(event) => setNote(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !busy) void restore();
          }}
        />
      </label>
      {error && (
        <p className="banner error" role="alert" data-testid="history-restore-error">
          Could not restore v{entry.version}: {error}
        </p>
      )}
    </Dialog>
  );
}
