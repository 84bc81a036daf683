import type { FlowSummary, VersionSummary } from './flows.repository.js';
import type { VersionSummaryView } from './flows.schemas.js';

/** A version as the API lists it: its number, hash, note and the labels that point at it. */
export function versionSummaryView(version: VersionSummary, summary: FlowSummary): VersionSummaryView {
  const labels = labelsOf(summary, version.version);
  return {
    version: version.version,
    contentHash: version.contentHash,
    schemaVersion: version.schemaVersion,
    note: version.note,
    createdAt: version.createdAt,
    labels,
  };
}

/** The labels that point at a version. */
export function labelsOf(summary: FlowSummary, version: number): string[] {
  return Object.keys(summary.labels).filter((label) => summary.labels[label] === version);
}
