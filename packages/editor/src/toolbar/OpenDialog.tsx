import { useCallback, useEffect, useState } from 'react';
import { api, type FlowSummary } from '../api/client.js';
import { formatTimestamp, formatWhen } from '../runs/format.js';
import { Dialog } from './Dialog.js';

type Listing = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; flows: FlowSummary[] };

/**
 * The saved flows, most recently updated first. Choosing one hands it to `onOpen`, which loads its latest version;
 * the dialog stays open (with the row marked) until that finishes, so a failure can be shown where it happened.
 */
export function OpenDialog(props: { onOpen(flow: FlowSummary): Promise<void>; onClose(): void }) {
  const [listing, setListing] = useState<Listing>({ state: 'loading' });
  const [opening, setOpening] = useState<string | undefined>();
  const [openError, setOpenError] = useState<string | undefined>();

  const load = useCallback(async (signal: { cancelled: boolean }) => {
    setListing({ state: 'loading' });
    try {
      const flows = await api.listFlows();
      if (!signal.cancelled)
        setListing({ state: 'ready', flows: [...flows].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)) });
    } catch (error) {
      if (!signal.cancelled) setListing({ state: 'error', message: (error as Error).message });
    }
  }, []);

  useEffect(() => {
    const signal = { cancelled: false };
    void load(signal);
    return () => {
      signal.cancelled = true;
    };
  }, [load]);

  const open = async (flow: FlowSummary) => {
    setOpening(flow.id);
    setOpenError(undefined);
    try {
      await props.onOpen(flow);
    } catch (error) {
      setOpenError(`Could not open "${flow.name}": ${(error as Error).message}`);
      setOpening(undefined);
    }
  };

  return (
    <Dialog
      title="Open a flow"
      testId="open-dialog"
      wide
      busy={opening !== undefined}
      onClose={props.onClose}
      actions={
        <button type="button" onClick={props.onClose} disabled={opening !== undefined}>
          Close
        </button>
      }
    >
      {openError && (
        <p className="banner error" role="alert">
          {openError}
        </p>
      )}
      {listing.state === 'loading' && <p className="empty-state">Loading saved flows…</p>}
      {listing.state === 'error' && (
        <div className="banner error" role="alert" data-testid="open-error">
          Could not list the saved flows: {listing.message}{' '}
          <button type="button" onClick={() => void load({ cancelled: false })}>
            Try again
          </button>
        </div>
      )}
      {listing.state === 'ready' && listing.flows.length === 0 && (
        <p className="empty-state" data-testid="open-empty">
          No flows saved yet. Build one on the canvas and Save it, or Import a <code>.flow.yaml</code> file.
        </p>
      )}
      {listing.state === 'ready' && listing.flows.length > 0 && (
        <ul className="flow-list">
          {listing.flows.map((flow) => (
            <li key={flow.id}>
              <button
                type="button"
                className="flow-row"
                data-testid={`open-flow-${flow.name}`}
                disabled={opening !== undefined}
                aria-busy={opening === flow.id}
                onClick={() => void open(flow)}
              >
                <span className="flow-row-name">{flow.name}</span>
                <span className="flow-row-meta">
                  v{flow.latestVersion} ·{' '}
                  <span title={formatTimestamp(flow.updatedAt)}>updated {formatWhen(flow.updatedAt)}</span>
                  {opening === flow.id && ' · opening…'}
                </span>
                <span className="flow-row-description">{flow.description || 'No description'}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
