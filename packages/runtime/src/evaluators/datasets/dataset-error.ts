/** One bad line of a dataset file: its 1-based line number and what is wrong with it. */
export interface DatasetProblem {
  line: number;
  message: string;
}

/** At most this many problems are kept; the message still says how many lines were bad in all. */
export const MAX_DATASET_PROBLEMS = 50;

/**
 * A dataset file that cannot be read as a whole. It carries every bad line found (up to MAX_DATASET_PROBLEMS), so a
 * person fixes the file once rather than once per error; nothing of such a file is ever imported.
 */
export class DatasetError extends Error {
  override name = 'DatasetError';
  /** How many bad lines there were, `problems.length` or more. */
  readonly total: number;

  constructor(
    readonly problems: DatasetProblem[],
    total = problems.length,
  ) {
    const first = problems[0];
    const more = total > 1 ? ` (and ${total - 1} more bad line${total === 2 ? '' : 's'})` : '';
    super(first ? `line ${first.line}: ${first.message}${more}` : 'the dataset is not valid');
    this.total = total;
  }
}

/** Collects problems up to the cap while counting all of them. */
export class ProblemList {
  readonly problems: DatasetProblem[] = [];
  total = 0;

  /** Whether more problems are only counted: a caller can skip working out their line numbers. */
  get full(): boolean {
    return this.problems.length >= MAX_DATASET_PROBLEMS;
  }

  add(line: number, message: string): void {
    this.total++;
    if (this.problems.length < MAX_DATASET_PROBLEMS) this.problems.push({ line, message });
  }

  throwIfAny(): void {
    if (this.total > 0) throw new DatasetError(this.problems, this.total);
  }
}
