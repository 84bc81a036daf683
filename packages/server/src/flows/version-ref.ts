import type { FlowSummary } from './flows.repository.js';

/** A version reference that names nothing stored: the message says what there is. */
export class VersionRefError extends Error {
  override name = 'VersionRefError';
}

/**
 * The version a reference names: a version number (`3`), a label (`production`), or `latest`. Throws
 * VersionRefError naming the latest version or the labels there are. The API's `from`/`to` and the CLI's
 * `--from`/`--to` both go through here, so they accept the same references.
 */
export function resolveVersionRef(flow: FlowSummary, reference: string | number): number {
  const text = String(reference).trim();
  if (text === 'latest') return flow.latestVersion;
  if (/^[0-9]+$/.test(text)) {
    const version = Number(text);
    if (version < 1 || version > flow.latestVersion) {
      throw new VersionRefError(`flow "${flow.name}" has no version ${text} (versions 1 to ${flow.latestVersion})`);
    }
    return version;
  }
  const labelled = flow.labels[text];
  if (labelled !== undefined) return labelled;
  const labels = Object.keys(flow.labels);
  throw new VersionRefError(
    `flow "${flow.name}" has no version or label "${text}" (give a number from 1 to ${flow.latestVersion}, latest${labels.length ? `, or a label: ${labels.join(', ')}` : ''})`,
  );
}

/** The label published endpoints serve. */
export const PUBLISHED_LABEL = 'production';

/** What `POST /api/v1/flows/:name/run` serves: the `production` label's version, else the latest. */
export function publishedVersion(flow: FlowSummary): { version: number; label: string | null } {
  const labelled = flow.labels[PUBLISHED_LABEL];
  return labelled !== undefined
    ? { version: labelled, label: PUBLISHED_LABEL }
    : { version: flow.latestVersion, label: null };
}
