import { HttpError } from '../http/http-error.js';
import type { EvaluationsRepository } from './evaluations.repository.js';
import type { Combination, Evaluation } from './evaluations.schemas.js';

/** One side of a comparison or a preference: a combination of an evaluation. */
export interface Side {
  evaluation: Evaluation;
  combination: Combination;
}

/**
 * `EVALUATION_ID[:COMBINATION]` as a side (combination 0 by default). 404 for an unknown evaluation; 400 at
 * `where` for a combination it does not have, naming the ones it has.
 */
export function resolveSide(repository: EvaluationsRepository, text: string, where: string): Side {
  const colon = text.lastIndexOf(':');
  const id = colon < 0 ? text : text.slice(0, colon);
  const index = colon < 0 ? 0 : Number(text.slice(colon + 1));
  const evaluation = repository.get(id);
  if (!evaluation) throw HttpError.notFound(`evaluation "${id}" (${where})`);
  const combination = evaluation.combinations[index];
  if (!combination) {
    const there = evaluation.combinations.map((known) => `${known.index} (${known.key})`).join(', ');
    const message = `evaluation "${id}" has no combination ${index} (combinations: ${there})`;
    throw new HttpError('invalid-request', `${where}: ${message}`, { issues: [{ path: where, message }] });
  }
  return { evaluation, combination };
}

/** Two sides are compared row by row, so they must have run over the same dataset. */
export function requireSameDataset(a: Side, b: Side, where: string): void {
  if (a.evaluation.datasetId === b.evaluation.datasetId) return;
  const message = `the evaluations ran over different datasets ("${a.evaluation.datasetName}" and "${b.evaluation.datasetName}"); rows can only be compared over the same dataset`;
  throw new HttpError('invalid-request', `${where}: ${message}`, { issues: [{ path: where, message }] });
}
