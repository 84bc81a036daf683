import { CURRENT_SCHEMA_VERSION } from './flow.js';

/** Rewrites a flow document of version N into version N + 1. Stored and exported flows go through these on load. */
export type FlowMigration = (document: Record<string, unknown>) => Record<string, unknown>;

/**
 * Keyed by the version a migration upgrades from. Empty while version 1 is the only one; when the document shape
 * changes, bump CURRENT_SCHEMA_VERSION and add the step from the previous version here (and a test with a document
 * of the old version).
 */
export const FLOW_MIGRATIONS: Readonly<Record<number, FlowMigration>> = {};

export type MigrationResult = { ok: true; document: Record<string, unknown> } | { ok: false; message: string };

export function migrateFlowDocument(
  document: Record<string, unknown>,
  options: { currentVersion?: number; migrations?: Readonly<Record<number, FlowMigration>> } = {},
): MigrationResult {
  const currentVersion = options.currentVersion ?? CURRENT_SCHEMA_VERSION;
  const migrations = options.migrations ?? FLOW_MIGRATIONS;
  const version = document.schemaVersion;
  if (version === undefined) {
    return { ok: false, message: `schemaVersion is missing; this Groundwork writes schemaVersion: ${currentVersion}` };
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, message: `schemaVersion must be a whole number from 1, got ${JSON.stringify(version)}` };
  }
  if (version > currentVersion) {
    return {
      ok: false,
      message: `schemaVersion ${version} is newer than this Groundwork understands (${currentVersion}); upgrade Groundwork to open this flow`,
    };
  }
  let migrated = document;
  for (let from = version; from < currentVersion; from++) {
    const step = migrations[from];
    if (!step) return { ok: false, message: `no migration from schemaVersion ${from} to ${from + 1}` };
    migrated = { ...step(migrated), schemaVersion: from + 1 };
  }
  return { ok: true, document: migrated };
}
