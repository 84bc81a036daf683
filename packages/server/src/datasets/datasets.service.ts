import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  canonicalJson,
  DatasetError,
  type DatasetFormat,
  detectFormat,
  type ParsedDataset,
  parseDataset,
} from '@groundwork/runtime';
import type { Database } from '../db/connection.js';
import { HttpError } from '../http/http-error.js';
import { newId, now } from '../ids.js';
import { DatasetNameTakenError, DatasetsRepository } from './datasets.repository.js';
import { type Dataset, type DatasetRowView, DEFAULT_ROW_PAGE, datasetNameSchema } from './datasets.schemas.js';

/** A problem with one line of an uploaded file, as the error body lists it. */
export interface LineIssue {
  path: string;
  line: number;
  message: string;
}

/**
 * Datasets: files of rows that evaluations run flows over. A file is imported whole, in one transaction, or not at
 * all: a file with any bad line is refused with every bad line named (up to 50).
 */
export class DatasetService {
  private readonly repository: DatasetsRepository;

  constructor(private readonly db: Database) {
    this.repository = new DatasetsRepository(db);
  }

  /** Parses and stores a file's text: 400 naming each bad line or a bad name, 409 when the name is taken. */
  import(input: { name: string; text: string; format: DatasetFormat }): Dataset {
    checkName(input.name);
    return this.store(input.name, input.format, parse(input.text, input.format));
  }

  /**
   * Imports a file from disk (the CLI's way in), its format told by its extension or its content. The same rows
   * imported before are reused rather than stored twice: with a name, when the dataset of that name holds them;
   * without one, any dataset that holds them. A new dataset's name defaults to the file's base name (`qa.jsonl` →
   * `qa`), made unique with -2, -3…
   */
  importFile(path: string, options: { name?: string } = {}): { dataset: Dataset; reused: boolean } {
    if (options.name !== undefined) checkName(options.name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new HttpError('invalid-request', `cannot read ${path}: ${(error as Error).message}`);
    }
    let format: DatasetFormat;
    try {
      format = detectFormat({ fileName: path, text });
    } catch (error) {
      throw toHttpError(error);
    }
    const parsed = parse(text, format);
    const hash = contentHash(parsed);
    if (options.name !== undefined) {
      const named = this.repository.findByName(options.name);
      if (named?.contentHash === hash) return { dataset: named, reused: true };
      return { dataset: this.store(options.name, format, parsed, hash), reused: false };
    }
    const same = this.repository.findByContentHash(hash)[0];
    if (same) return { dataset: same, reused: true };
    return { dataset: this.store(this.freeName(nameFromFile(path)), format, parsed, hash), reused: false };
  }

  /** A dataset by id or name; 404 naming it. */
  get(idOrName: string): Dataset {
    const found = this.repository.findById(idOrName) ?? this.repository.findByName(idOrName);
    if (!found) throw HttpError.notFound(`dataset "${idOrName}"`);
    return found;
  }

  list(): Dataset[] {
    return this.repository.list();
  }

  /** A page of a dataset's rows, in file order. */
  rows(datasetId: string, page: { offset?: number; limit?: number } = {}): DatasetRowView[] {
    return this.repository.rows(datasetId, page.offset ?? 0, page.limit ?? DEFAULT_ROW_PAGE);
  }

  /** Every row of a dataset, in file order (evaluations read them all). */
  allRows(datasetId: string): DatasetRowView[] {
    return this.repository.rows(datasetId, 0, -1);
  }

  /** Deletes a dataset and its rows; 404 when unknown, 409 naming the evaluations that use it. */
  delete(idOrName: string): void {
    this.db.transaction(() => {
      const dataset = this.get(idOrName);
      const users = this.repository.usedBy(dataset.id);
      if (users.length > 0) {
        const names = users.map((user) => `"${user.name}" (${user.id})`).join(', ');
        throw new HttpError(
          'conflict',
          `dataset "${dataset.name}" is used by ${users.length === 1 ? 'evaluation' : 'evaluations'} ${names}; delete ${users.length === 1 ? 'it' : 'them'} first`,
          { evaluations: users },
        );
      }
      this.repository.delete(dataset.id);
    })();
  }

  private store(name: string, format: DatasetFormat, parsed: ParsedDataset, hash = contentHash(parsed)): Dataset {
    const dataset: Dataset = {
      id: newId('dst'),
      name,
      format,
      columns: parsed.columns,
      rowCount: parsed.rows.length,
      contentHash: hash,
      createdAt: now(),
    };
    try {
      this.repository.insert(dataset, parsed.rows);
    } catch (error) {
      if (error instanceof DatasetNameTakenError) {
        throw new HttpError('conflict', `${error.message}; choose another name or delete it first`, {
          issues: [{ path: 'name', message: error.message }],
        });
      }
      throw error;
    }
    return dataset;
  }

  /** `base`, or `base-2`, `base-3`… whichever is free. */
  private freeName(base: string): string {
    const taken = this.repository.namesStartingWith(base);
    if (!taken.has(base)) return base;
    for (let suffix = 2; ; suffix++) {
      const name = `${base.slice(0, 100 - String(suffix).length - 1)}-${suffix}`;
      if (!taken.has(name) && !this.repository.findByName(name)) return name;
    }
  }
}

/** `sha256:` and the SHA-256 of the columns and rows as canonical JSON: the same data, the same hash. */
export function contentHash(parsed: ParsedDataset): string {
  return `sha256:${createHash('sha256')
    .update(canonicalJson({ columns: parsed.columns, rows: parsed.rows }))
    .digest('hex')}`;
}

/** A dataset name from a file name: `my qa set.v2.jsonl` → `my-qa-set.v2`. */
export function nameFromFile(path: string): string {
  const stem = basename(path)
    .replace(/\.[A-Za-z]+$/, '')
    // Letters with accents keep their base letter: `Ünïcode` → `Unicode`.
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '');
  const name = stem
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 90);
  return name === '' ? 'dataset' : name;
}

function checkName(name: string): void {
  const checked = datasetNameSchema.safeParse(name);
  if (checked.success) return;
  const message = `invalid dataset name "${name}": ${checked.error.issues[0]!.message}`;
  throw new HttpError('invalid-request', message, { issues: [{ path: 'name', message }] });
}

function parse(text: string, format: DatasetFormat): ParsedDataset {
  try {
    return parseDataset(text, format);
  } catch (error) {
    throw toHttpError(error);
  }
}

/** A DatasetError as the 400 the API answers: the first problem in the message, every one in `issues`. */
function toHttpError(error: unknown): unknown {
  if (!(error instanceof DatasetError)) return error;
  const issues: LineIssue[] = error.problems.map((problem) => ({ path: 'body', ...problem }));
  return new HttpError('invalid-request', `the dataset cannot be imported: ${error.message}`, {
    issues,
    ...(error.total > issues.length ? { totalIssues: error.total } : {}),
  });
}
