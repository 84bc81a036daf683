import { useCallback, useEffect, useState } from 'react';
import { api, type VersionHistory } from '../api/client.js';

export type HistoryListing =
  | { state: 'loading' }
  | { state: 'error'; message: string; status: number }
  | ({ state: 'ready' } & VersionHistory);

/**
 * A flow's versions, fetched again whenever `stamp` changes (the document was saved as a new version, restored,
 * opened at another version) or `reload` is called (after a label change, or Refresh). The list on screen stays
 * while it is fetched again, so it does not flash.
 */
export function useVersionHistory(flowId: string, stamp: unknown): { listing: HistoryListing; reload(): void } {
  const [listing, setListing] = useState<HistoryListing>({ state: 'loading' });
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((count) => count + 1), []);

  useEffect(() => {
    // `stamp` and `reloads` are triggers only.
    void stamp;
    void reloads;
    let cancelled = false;
    setListing((current) => (current.state === 'ready' ? current : { state: 'loading' }));
    api.getVersions(flowId).then(
      (history) => {
        if (cancelled) return;
        // Newest first, whatever order the server sent.
        const versions = [...history.versions].sort((a, b) => b.version - a.version);
        setListing({ state: 'ready', versions, published: history.published });
      },
      (error: Error & { status?: number }) => {
        if (!cancelled) setListing({ state: 'error', message: error.message, status: error.status ?? 0 });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [flowId, stamp, reloads]);

  return { listing, reload };
}
