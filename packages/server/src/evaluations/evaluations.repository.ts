import type { GroundednessResult } from '@groundwork/runtime/evaluators';
import type { Database } from '../db/connection.js';
import { statement } from '../db/statements.js';
import { type EvaluationRow, type ItemRow, toEvaluation, toItem } from './evaluation-rows.js';
import type {
  Combination,
  Evaluation,
  EvaluationFields,
  EvaluationStatus,
  GroundednessSettings,
} from './evaluations.schemas.js';

export type ItemStatus = 'pending' | 'done' | 'failed';
export interface ErrorInfo {
  code: string;
  message: string;
}

export interface NewEvaluation {
  id: string;
  name: string;
  flowId: string;
  flowVersion: number;
  datasetId: string;
  combinations: Combination[];
  metrics: string[];
  fields: EvaluationFields;
  groundedness: GroundednessSettings;
  mapping: Record<string, string>;
  seed: number;
  concurrency: number;
  createdAt: string;
  rowCount: number;
}

/** What an ended item stores: its run, what it produced, and its metrics. */
export interface ItemOutcome {
  status: Exclude<ItemStatus, 'pending'>;
  runId: string | null;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown> | null;
  error: ErrorInfo | null;
  metrics: Record<string, number | null>;
  groundedness: GroundednessResult | null;
  answer: string | null;
  context: string | string[] | null;
  durationMs: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
  endedAt: string;
}

export interface StoredItem extends Omit<ItemOutcome, 'status' | 'endedAt' | 'inputs'> {
  combination: number;
  row: number;
  status: ItemStatus;
  inputs: Record<string, unknown> | null;
}

const SELECT_EVALUATION = `SELECT e.*, f.name AS flow_name, d.name AS dataset_name,
    (SELECT COUNT(*) FROM evaluation_items i WHERE i.evaluation_id = e.id) AS total,
    (SELECT COUNT(*) FROM evaluation_items i WHERE i.evaluation_id = e.id AND i.status = 'done') AS done,
    (SELECT COUNT(*) FROM evaluation_items i WHERE i.evaluation_id = e.id AND i.status = 'failed') AS failed
  FROM evaluations e JOIN flows f ON f.id = e.flow_id JOIN datasets d ON d.id = e.dataset_id`;

/** Evaluations, their items and the preferences people gave between their answers. */
export class EvaluationsRepository {
  constructor(readonly db: Database) {}

  /** The evaluation with one pending item per (combination, row), in one transaction. */
  insert(evaluation: NewEvaluation): void {
    this.db.transaction(() => {
      statement(
        this.db,
        `INSERT INTO evaluations (id, name, flow_id, flow_version, dataset_id, status, combinations, metrics, fields,
           groundedness, mapping, seed, concurrency, created_at) VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        evaluation.id,
        evaluation.name,
        evaluation.flowId,
        evaluation.flowVersion,
        evaluation.datasetId,
        JSON.stringify(evaluation.combinations),
        JSON.stringify(evaluation.metrics),
        JSON.stringify(evaluation.fields),
        JSON.stringify(evaluation.groundedness),
        JSON.stringify(evaluation.mapping),
        evaluation.seed,
        evaluation.concurrency,
        evaluation.createdAt,
      );
      const item = statement(
        this.db,
        `INSERT INTO evaluation_items (evaluation_id, combination, row_index, status) VALUES (?, ?, ?, 'pending')`,
      );
      for (const combination of evaluation.combinations) {
        for (let row = 0; row < evaluation.rowCount; row++) item.run(evaluation.id, combination.index, row);
      }
    })();
  }

  get(id: string): Evaluation | undefined {
    const row = statement(this.db, `${SELECT_EVALUATION} WHERE e.id = ?`).get(id) as EvaluationRow | undefined;
    return row && toEvaluation(row);
  }

  list(query: { flowId?: string; limit: number }): Evaluation[] {
    const where = query.flowId ? 'WHERE e.flow_id = ?' : '';
    const values = query.flowId ? [query.flowId, query.limit] : [query.limit];
    const rows = statement(this.db, `${SELECT_EVALUATION} ${where} ORDER BY e.created_at DESC, e.id DESC LIMIT ?`).all(
      ...values,
    ) as EvaluationRow[];
    return rows.map(toEvaluation);
  }

  setStatus(id: string, status: EvaluationStatus, error: ErrorInfo | null, endedAt: string | null): void {
    statement(this.db, 'UPDATE evaluations SET status = ?, error = ?, ended_at = ? WHERE id = ?').run(
      status,
      error === null ? null : JSON.stringify(error),
      endedAt,
      id,
    );
  }

  /** Evaluations a stopped process left `running` become `interrupted`; their pending items stay pending. */
  markInterrupted(endedAt: string): number {
    const error = { code: 'interrupted', message: 'the process stopped while the evaluation was running' };
    return statement(
      this.db,
      `UPDATE evaluations SET status = 'interrupted', error = ?, ended_at = ? WHERE status = 'running'`,
    ).run(JSON.stringify(error), endedAt).changes;
  }

  delete(id: string): boolean {
    return statement(this.db, 'DELETE FROM evaluations WHERE id = ?').run(id).changes > 0;
  }

  /** The items still to run (pending, and failed ones: a resume tries them again), in row order. */
  unfinishedItems(id: string): { combination: number; row: number }[] {
    return statement(
      this.db,
      `SELECT combination, row_index AS row FROM evaluation_items WHERE evaluation_id = ? AND status != 'done'
         ORDER BY row_index, combination`,
    ).all(id) as { combination: number; row: number }[];
  }

  /** Puts failed items back to pending (a resume runs them again), in the same transaction as nothing else. */
  resetFailed(id: string): void {
    statement(
      this.db,
      `UPDATE evaluation_items SET status = 'pending', error = NULL WHERE evaluation_id = ? AND status = 'failed'`,
    ).run(id);
  }

  /** Stores an ended item; false when the evaluation is gone (deleted while it ran). */
  finishItem(id: string, combination: number, row: number, outcome: ItemOutcome): boolean {
    const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
    return (
      statement(
        this.db,
        `UPDATE evaluation_items SET status = ?, run_id = ?, inputs = ?, outputs = ?, error = ?, metrics = ?,
           groundedness = ?, answer = ?, context = ?, duration_ms = ?, tokens_in = ?, tokens_out = ?, ended_at = ?
         WHERE evaluation_id = ? AND combination = ? AND row_index = ?`,
      ).run(
        outcome.status,
        outcome.runId,
        JSON.stringify(outcome.inputs),
        json(outcome.outputs),
        json(outcome.error),
        JSON.stringify(outcome.metrics),
        json(outcome.groundedness),
        outcome.answer,
        json(outcome.context),
        outcome.durationMs,
        outcome.tokensIn,
        outcome.tokensOut,
        outcome.endedAt,
        id,
        combination,
        row,
      ).changes > 0
    );
  }

  items(id: string, filter: { combination?: number; status?: ItemStatus; offset?: number; limit?: number }) {
    const where = ['evaluation_id = ?'];
    const values: unknown[] = [id];
    if (filter.combination !== undefined) {
      where.push('combination = ?');
      values.push(filter.combination);
    }
    if (filter.status !== undefined) {
      where.push('status = ?');
      values.push(filter.status);
    }
    const clause = where.join(' AND ');
    const total = (
      statement(this.db, `SELECT COUNT(*) AS total FROM evaluation_items WHERE ${clause}`).get(...values) as {
        total: number;
      }
    ).total;
    const rows = statement(
      this.db,
      `SELECT * FROM evaluation_items WHERE ${clause} ORDER BY combination, row_index LIMIT ? OFFSET ?`,
    ).all(...values, filter.limit ?? -1, filter.offset ?? 0) as ItemRow[];
    return { items: rows.map(toItem), total };
  }

  /** Each done item's value of one metric in a combination, by row. */
  metricValues(id: string, combination: number, metric: string): Map<number, number | null> {
    const rows = statement(
      this.db,
      `SELECT row_index AS row, json_extract(metrics, '$."' || ? || '"') AS value FROM evaluation_items
         WHERE evaluation_id = ? AND combination = ? AND status = 'done'`,
    ).all(metric, id, combination) as { row: number; value: number | null }[];
    return new Map(rows.map((row) => [row.row, row.value]));
  }
}
