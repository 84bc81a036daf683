import { type Flow, parseFlowDocument } from '@groundwork/runtime';
import type { Database } from '../db/connection.js';
import { statement } from '../db/statements.js';
import { newId, now } from '../ids.js';
import { contentHash } from './content-hash.js';

export interface FlowSummary {
  id: string;
  name: string;
  description: string | null;
  latestVersion: number;
  createdAt: string;
  updatedAt: string;
  /** Label → version. */
  labels: Record<string, number>;
}

export interface VersionSummary {
  version: number;
  contentHash: string;
  schemaVersion: number;
  note: string | null;
  createdAt: string;
}

export interface FlowVersion extends VersionSummary {
  flowId: string;
  flow: Flow;
}

interface FlowRow {
  id: string;
  name: string;
  description: string | null;
  latest_version: number;
  created_at: string;
  updated_at: string;
}

interface VersionRow {
  flow_id: string;
  version: number;
  content: string;
  schema_version: number;
  content_hash: string;
  note: string | null;
  created_at: string;
}

/** The flow name is already another flow's. */
export class FlowNameTakenError extends Error {
  override name = 'FlowNameTakenError';
}

/**
 * Flows, their immutable versions and labels. Every write is one transaction: a version and the flow row that
 * points at it are saved together or not at all.
 */
export class FlowsRepository {
  constructor(private readonly db: Database) {}

  list(): FlowSummary[] {
    const rows = statement(this.db, 'SELECT * FROM flows ORDER BY name').all() as FlowRow[];
    return rows.map((row) => this.summary(row));
  }

  /** By id, or else by name (names are unique, and friendlier in URLs and scripts). */
  find(idOrName: string): FlowSummary | undefined {
    const row = statement(this.db, 'SELECT * FROM flows WHERE id = ? OR name = ? ORDER BY id = ? DESC LIMIT 1').get(
      idOrName,
      idOrName,
      idOrName,
    ) as FlowRow | undefined;
    return row && this.summary(row);
  }

  /** By name only: what an imported document's name refers to. */
  findByName(name: string): FlowSummary | undefined {
    const row = statement(this.db, 'SELECT * FROM flows WHERE name = ?').get(name) as FlowRow | undefined;
    return row && this.summary(row);
  }

  /**
   * Runs reads and writes as one transaction that holds the write lock from its start, so what a caller checked
   * (the latest version, a free name) is still true when it writes, whoever else uses the database file.
   */
  atomically<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  create(flow: Flow, note: string | undefined): FlowVersion {
    return this.db.transaction(() => {
      this.checkName(flow.name, undefined);
      const id = newId('flw');
      const time = now();
      statement(
        this.db,
        'INSERT INTO flows (id, name, description, latest_version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)',
      ).run(id, flow.name, flow.description ?? null, time, time);
      return this.insertVersion(id, 1, flow, note, time);
    })();
  }

  /** Saves `flow` as the next version; the flow takes the new version's name and description. */
  addVersion(flowId: string, flow: Flow, note: string | undefined): FlowVersion {
    return this.db.transaction(() => {
      this.checkName(flow.name, flowId);
      const { latest_version: latest } = statement(this.db, 'SELECT latest_version FROM flows WHERE id = ?').get(
        flowId,
      ) as { latest_version: number };
      const time = now();
      statement(
        this.db,
        'UPDATE flows SET name = ?, description = ?, latest_version = ?, updated_at = ? WHERE id = ?',
      ).run(flow.name, flow.description ?? null, latest + 1, time, flowId);
      return this.insertVersion(flowId, latest + 1, flow, note, time);
    })();
  }

  version(flowId: string, version: number): FlowVersion | undefined {
    const row = statement(this.db, 'SELECT * FROM flow_versions WHERE flow_id = ? AND version = ?').get(
      flowId,
      version,
    ) as VersionRow | undefined;
    return row && this.fullVersion(row);
  }

  latest(flowId: string): FlowVersion {
    const row = statement(
      this.db,
      'SELECT v.* FROM flow_versions v JOIN flows f ON f.id = v.flow_id AND f.latest_version = v.version WHERE f.id = ?',
    ).get(flowId) as VersionRow;
    return this.fullVersion(row);
  }

  versions(flowId: string): VersionSummary[] {
    const rows = statement(this.db, 'SELECT * FROM flow_versions WHERE flow_id = ? ORDER BY version DESC').all(
      flowId,
    ) as VersionRow[];
    return rows.map(versionSummary);
  }

  labels(flowId: string): Record<string, number> {
    const rows = statement(this.db, 'SELECT label, version FROM flow_labels WHERE flow_id = ? ORDER BY label').all(
      flowId,
    ) as {
      label: string;
      version: number;
    }[];
    return Object.fromEntries(rows.map((row) => [row.label, row.version]));
  }

  setLabel(flowId: string, label: string, version: number): void {
    statement(
      this.db,
      'INSERT INTO flow_labels (flow_id, label, version, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (flow_id, label) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at',
    ).run(flowId, label, version, now());
  }

  deleteLabel(flowId: string, label: string): boolean {
    return statement(this.db, 'DELETE FROM flow_labels WHERE flow_id = ? AND label = ?').run(flowId, label).changes > 0;
  }

  /** Runs of the flow still in progress: deleting the flow would pull their rows from under them. */
  runningRuns(flowId: string): number {
    const row = statement(this.db, "SELECT count(*) AS count FROM runs WHERE flow_id = ? AND status = 'running'").get(
      flowId,
    ) as { count: number };
    return row.count;
  }

  /** Deletes the flow with its versions, labels and runs. */
  delete(flowId: string): boolean {
    return statement(this.db, 'DELETE FROM flows WHERE id = ?').run(flowId).changes > 0;
  }

  private checkName(name: string, flowId: string | undefined): void {
    const owner = statement(this.db, 'SELECT id FROM flows WHERE name = ?').get(name) as { id: string } | undefined;
    if (owner && owner.id !== flowId) throw new FlowNameTakenError(`another flow is already named "${name}"`);
  }

  private insertVersion(
    flowId: string,
    version: number,
    flow: Flow,
    note: string | undefined,
    time: string,
  ): FlowVersion {
    const hash = contentHash(flow);
    statement(
      this.db,
      'INSERT INTO flow_versions (flow_id, version, content, schema_version, content_hash, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(flowId, version, JSON.stringify(flow), flow.schemaVersion, hash, note ?? null, time);
    return {
      flowId,
      version,
      flow,
      contentHash: hash,
      schemaVersion: flow.schemaVersion,
      note: note ?? null,
      createdAt: time,
    };
  }

  private summary(row: FlowRow): FlowSummary {
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      latestVersion: row.latest_version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      labels: this.labels(row.id),
    };
  }

  /** A stored document goes through the migrations, so versions saved by older Groundworks open as current flows. */
  private fullVersion(row: VersionRow): FlowVersion {
    const parsed = parseFlowDocument(JSON.parse(row.content));
    if (!parsed.ok)
      throw new Error(`flow ${row.flow_id} version ${row.version} cannot be read: ${parsed.problems[0]?.message}`);
    return { flowId: row.flow_id, flow: parsed.flow, ...versionSummary(row) };
  }
}

function versionSummary(row: VersionRow): VersionSummary {
  return {
    version: row.version,
    contentHash: row.content_hash,
    schemaVersion: row.schema_version,
    note: row.note,
    createdAt: row.created_at,
  };
}
