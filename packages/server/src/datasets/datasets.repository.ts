import type { Database } from '../db/connection.js';
import { statement } from '../db/statements.js';
import type { Dataset, DatasetRowView } from './datasets.schemas.js';

/** A dataset as stored. */
interface DatasetRecord {
  id: string;
  name: string;
  format: Dataset['format'];
  columns_json: string;
  row_count: number;
  content_hash: string;
  created_at: string;
}

const COLUMNS = 'id, name, format, columns_json, row_count, content_hash, created_at';

/** A name another dataset has: the service reports it as a conflict. */
export class DatasetNameTakenError extends Error {
  override name = 'DatasetNameTakenError';
  constructor(readonly datasetName: string) {
    super(`a dataset named "${datasetName}" already exists`);
  }
}

/** The datasets and their rows in SQLite. */
export class DatasetsRepository {
  constructor(private readonly db: Database) {}

  /** Stores a dataset and all its rows in one transaction: all of it, or (on any failure) none. */
  insert(dataset: Dataset, rows: readonly Record<string, unknown>[]): void {
    const insertRow = statement(this.db, 'INSERT INTO dataset_rows (dataset_id, idx, values_json) VALUES (?, ?, ?)');
    this.db.transaction(() => {
      if (this.findByName(dataset.name)) throw new DatasetNameTakenError(dataset.name);
      statement(this.db, `INSERT INTO datasets (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
        dataset.id,
        dataset.name,
        dataset.format,
        JSON.stringify(dataset.columns),
        dataset.rowCount,
        dataset.contentHash,
        dataset.createdAt,
      );
      for (const [index, row] of rows.entries()) insertRow.run(dataset.id, index, JSON.stringify(row));
    })();
  }

  findById(id: string): Dataset | undefined {
    return toDataset(statement(this.db, `SELECT ${COLUMNS} FROM datasets WHERE id = ?`).get(id));
  }

  findByName(name: string): Dataset | undefined {
    return toDataset(statement(this.db, `SELECT ${COLUMNS} FROM datasets WHERE name = ?`).get(name));
  }

  /** The datasets holding exactly these rows, oldest first. */
  findByContentHash(hash: string): Dataset[] {
    const records = statement(
      this.db,
      `SELECT ${COLUMNS} FROM datasets WHERE content_hash = ? ORDER BY created_at, id`,
    ).all(hash) as DatasetRecord[];
    return records.map((record) => toDataset(record)!);
  }

  /** Every dataset, newest first. */
  list(): Dataset[] {
    const records = statement(this.db, `SELECT ${COLUMNS} FROM datasets ORDER BY created_at DESC, id`).all();
    return (records as DatasetRecord[]).map((record) => toDataset(record)!);
  }

  namesStartingWith(prefix: string): Set<string> {
    const rows = statement(this.db, 'SELECT name FROM datasets WHERE substr(name, 1, length(?)) = ?').all(
      prefix,
      prefix,
    ) as { name: string }[];
    return new Set(rows.map((row) => row.name));
  }

  rows(datasetId: string, offset: number, limit: number): DatasetRowView[] {
    const rows = statement(
      this.db,
      'SELECT idx, values_json FROM dataset_rows WHERE dataset_id = ? AND idx >= ? ORDER BY idx LIMIT ?',
    ).all(datasetId, offset, limit) as { idx: number; values_json: string }[];
    return rows.map((row) => ({ index: row.idx, values: JSON.parse(row.values_json) }));
  }

  /**
   * The evaluations that use a dataset. Evaluations live in their own migration; a database without that table has
   * none.
   */
  usedBy(datasetId: string): { id: string; name: string }[] {
    const table = statement(this.db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'evaluations'").get();
    if (!table) return [];
    return this.db
      .prepare('SELECT id, name FROM evaluations WHERE dataset_id = ? ORDER BY created_at')
      .all(datasetId) as { id: string; name: string }[];
  }

  /** Deletes a dataset and its rows; false when it was not there. */
  delete(id: string): boolean {
    return statement(this.db, 'DELETE FROM datasets WHERE id = ?').run(id).changes > 0;
  }

  count(): number {
    return (statement(this.db, 'SELECT count(*) AS n FROM datasets').get() as { n: number }).n;
  }
}

function toDataset(record: unknown): Dataset | undefined {
  if (!record) return undefined;
  const row = record as DatasetRecord;
  return {
    id: row.id,
    name: row.name,
    format: row.format,
    columns: JSON.parse(row.columns_json),
    rowCount: row.row_count,
    contentHash: row.content_hash,
    createdAt: row.created_at,
  };
}
