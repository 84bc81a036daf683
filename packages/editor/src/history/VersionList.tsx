import { useState } from 'react';
import { api, type VersionEntry } from '../api/client.js';
import { isDirty, type SavedRef, useEditor } from '../state/editor-store.js';
import { ConfirmDiscardDialog } from '../toolbar/Dialog.js';
import { CompareBar, HistoryNotices, type HistoryStatus } from './HistoryNotices.js';
import { RestoreDialog } from './RestoreDialog.js';
import { toggleSelection } from './selection.js';
import { useVersionHistory } from './use-version-history.js';
import { UnsavedDiffOverlay, VersionDiffOverlay } from './VersionDiffOverlay.js';
import { VersionItem } from './VersionItem.js';
import { openVersion, restoreVersion } from './version-actions.js';

type Overlay =
  | { kind: 'compare'; from: number; to: number }
  | { kind: 'unsaved' }
  | { kind: 'confirm-open'; version: number }
  | { kind: 'restore'; entry: VersionEntry };

/** The versions of the saved flow being edited, newest first, and what can be done with them. */
export function VersionList({ saved }: { saved: SavedRef }) {
  const flow = useEditor((state) => state.flow);
  const dirty = useEditor(isDirty);
  // A new version saved (toolbar, run panel), restored or opened: the list is fetched again.
  const { listing, reload } = useVersionHistory(saved.id, saved.version);
  const [selected, setSelected] = useState<number[]>([]);
  const [overlay, setOverlay] = useState<Overlay | undefined>();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<HistoryStatus | undefined>();
  const close = () => setOverlay(undefined);

  const open = async (version: number) => {
    setOverlay(undefined);
    setBusy(true);
    setStatus(undefined);
    try {
      await openVersion(saved.id, version);
    } catch (error) {
      setStatus({ tone: 'error', text: `Could not open v${version}: ${(error as Error).message}` });
    } finally {
      setBusy(false);
    }
  };

  const restore = async (entry: VersionEntry, note: string | undefined) => {
    const text = await restoreVersion(saved.id, entry.version, note);
    setOverlay(undefined);
    setStatus({ tone: 'ok', text });
  };

  const labelled: Record<string, number> = {};
  if (listing.state === 'ready') {
    for (const entry of listing.versions) for (const label of entry.labels) labelled[label] = entry.version;
  }
  const latestVersion = listing.state === 'ready' ? (listing.versions[0]?.version ?? saved.version) : saved.version;

  return (
    <div className="history-panel" data-testid="history-panel">
      <div className="history-head">
        <h3>Versions</h3>
        <button type="button" className="link" onClick={reload} disabled={listing.state === 'loading'}>
          Refresh
        </button>
      </div>
      <HistoryNotices
        saved={saved}
        dirty={dirty}
        latestVersion={listing.state === 'ready' ? latestVersion : undefined}
        status={status}
        onDismiss={() => setStatus(undefined)}
        onReviewUnsaved={() => setOverlay({ kind: 'unsaved' })}
      />
      {listing.state === 'ready' && listing.versions.length > 1 && (
        <CompareBar
          selected={selected}
          onCompare={(comparison) => setOverlay({ kind: 'compare', ...comparison })}
          onClear={() => setSelected([])}
        />
      )}
      {listing.state === 'loading' && (
        <p className="history-loading" data-testid="history-loading">
          Loading versions…
        </p>
      )}
      {listing.state === 'error' && (
        <div className="banner error" role="alert" data-testid="history-error">
          {listing.status === 404
            ? 'This flow is no longer on the server; it may have been deleted. Save it to store it again.'
            : `Could not list the versions: ${listing.message}`}{' '}
          <button type="button" onClick={reload}>
            Try again
          </button>
        </div>
      )}
      {listing.state === 'ready' && (
        <ol className="version-list" data-testid="history-list">
          {listing.versions.map((entry) => (
            <VersionItem
              key={entry.version}
              entry={entry}
              flowName={saved.flow.name}
              published={listing.published}
              latestVersion={latestVersion}
              labelled={labelled}
              openVersion={saved.version}
              dirty={dirty}
              selected={selected.includes(entry.version)}
              busy={busy}
              onToggleSelect={() => setSelected((current) => toggleSelection(current, entry.version))}
              onComparePrevious={() => setOverlay({ kind: 'compare', from: entry.version - 1, to: entry.version })}
              onOpen={() =>
                dirty ? setOverlay({ kind: 'confirm-open', version: entry.version }) : void open(entry.version)
              }
              onRestore={() => setOverlay({ kind: 'restore', entry })}
              onSetLabel={async (label) => {
                await api.setLabel(saved.id, label, entry.version);
                reload();
              }}
              onRemoveLabel={async (label) => {
                await api.deleteLabel(saved.id, label);
                reload();
              }}
            />
          ))}
        </ol>
      )}

      {overlay?.kind === 'compare' && (
        <VersionDiffOverlay
          flowId={saved.id}
          from={overlay.from}
          to={overlay.to}
          known={listing.state === 'ready' ? listing.versions : []}
          onClose={close}
        />
      )}
      {overlay?.kind === 'unsaved' && <UnsavedDiffOverlay saved={saved} flow={flow} onClose={close} />}
      {overlay?.kind === 'confirm-open' && (
        <ConfirmDiscardDialog
          action={`open v${overlay.version}`}
          onConfirm={() => void open(overlay.version)}
          onCancel={close}
        />
      )}
      {overlay?.kind === 'restore' && (
        <RestoreDialog
          entry={overlay.entry}
          latestVersion={latestVersion}
          dirty={dirty}
          onRestore={(note) => restore(overlay.entry, note)}
          onClose={close}
        />
      )}
    </div>
  );
}
