import type { ChangeSummary } from '@groundwork/runtime/diff';
import type { FlowSummary } from '../flows/flows.repository.js';
import type { VersionSummaryView } from '../flows/flows.schemas.js';
import { VersionHistory } from '../flows/version-history.js';
import { publishedVersion } from '../flows/version-ref.js';
import { versionSummaryView } from '../flows/version-view.js';
import type { StoredFlows } from './flow-database.js';

export interface HistoryEntry extends VersionSummaryView {
  /** What changed from the previous version; empty for version 1. */
  changes: ChangeSummary[];
}

/** A stored flow's versions, newest first, as `GET /api/flows/:flow/versions` lists them, with the flow named. */
export interface FlowHistory {
  flow: { id: string; name: string };
  /** What the published endpoint serves: the `production` label's version, else the latest. */
  published: { version: number; label: string | null };
  versions: HistoryEntry[];
}

/** The same history the API lists (the server's VersionHistory computes the changes), read from the database. */
export function flowHistory(stored: StoredFlows, summary: FlowSummary): FlowHistory {
  const entries = stored.flows.versions(summary.id);
  const changes = new VersionHistory(stored.flows).changes(
    summary.id,
    entries.map((entry) => entry.version),
  );
  const versions = entries.map(
    (entry): HistoryEntry => ({ ...versionSummaryView(entry, summary), changes: changes.get(entry.version) ?? [] }),
  );
  return { flow: { id: summary.id, name: summary.name }, published: publishedVersion(summary), versions };
}
