import type { Database } from '../db/connection.js';
import { statement } from '../db/statements.js';

export interface SidePreference {
  aEvaluation: string;
  aCombination: number;
  bEvaluation: string;
  bCombination: number;
  row: number;
}

export type Preferred = 'a' | 'b' | 'tie';

/** The pairwise preferences people gave between two sides' answers on a dataset row. */
export class PreferencesRepository {
  constructor(readonly db: Database) {}

  save(side: SidePreference, preferred: Preferred, updatedAt: string): void {
    statement(
      this.db,
      `INSERT INTO evaluation_preferences (a_evaluation, a_combination, b_evaluation, b_combination, row_index,
         preferred, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET preferred = excluded.preferred, updated_at = excluded.updated_at`,
    ).run(side.aEvaluation, side.aCombination, side.bEvaluation, side.bCombination, side.row, preferred, updatedAt);
  }

  delete(side: SidePreference): boolean {
    return (
      statement(
        this.db,
        `DELETE FROM evaluation_preferences WHERE a_evaluation = ? AND a_combination = ? AND b_evaluation = ?
           AND b_combination = ? AND row_index = ?`,
      ).run(side.aEvaluation, side.aCombination, side.bEvaluation, side.bCombination, side.row).changes > 0
    );
  }

  /** The preferences between two sides by row, as a over b (a pair stored the other way round is flipped). */
  between(side: Omit<SidePreference, 'row'>): Map<number, Preferred> {
    const query = statement(
      this.db,
      `SELECT row_index AS row, preferred FROM evaluation_preferences WHERE a_evaluation = ? AND a_combination = ?
         AND b_evaluation = ? AND b_combination = ?`,
    );
    type Row = { row: number; preferred: Preferred };
    const result = new Map<number, Preferred>();
    const flipped = query.all(side.bEvaluation, side.bCombination, side.aEvaluation, side.aCombination) as Row[];
    for (const row of flipped) result.set(row.row, row.preferred === 'tie' ? 'tie' : row.preferred === 'a' ? 'b' : 'a');
    for (const row of query.all(side.aEvaluation, side.aCombination, side.bEvaluation, side.bCombination) as Row[]) {
      result.set(row.row, row.preferred);
    }
    return result;
  }
}
