import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import {
  defaultRegistry,
  type Flow,
  type FlowDefinition,
  type FlowProblem,
  formatProblem,
  loadFlowYaml,
  validateFlow,
} from '@groundwork/runtime';

/** A flow file as read from disk: its flow, or why it could not be used. */
export type FlowFile =
  | { path: string; label: string; ok: true; flow: Flow }
  | { path: string; label: string; ok: false; readError: string }
  | { path: string; label: string; ok: false; problems: readonly FlowProblem[] };

/** One line of a report: the file it concerns (as the user knows it) and what is wrong. */
export interface FileProblem {
  file: string;
  message: string;
}

export interface CheckedFlowFile {
  file: FlowFile;
  /** Problems of the file and of the files it references; empty when it can run. */
  problems: FileProblem[];
}

/**
 * Reads flow files and the files their `{ ref: ./other.flow.yaml }` sub-flows name, each file once (by absolute
 * path). Loading once is what lets the runtime see a reference cycle: it compares flows by identity.
 */
export class FlowFiles {
  private readonly byPath = new Map<string, FlowFile>();
  private readonly fileOfFlow = new WeakMap<FlowDefinition, FlowFile>();

  constructor(private readonly cwd: string) {}

  /** Loads a file named on the command line; its label is the path as given. */
  load(path: string): FlowFile {
    return this.loadAbsolute(resolve(this.cwd, path), path);
  }

  /**
   * The runtime's `resolveReference`: a ref is a path relative to the file it is written in. The runtime passes
   * that file's flow as `from` (also for references inside inline sub-flows), which maps back to the file.
   */
  readonly resolveReference = (ref: string, from: FlowDefinition): FlowDefinition | undefined => {
    const file = this.referencedFile(ref, from);
    return file?.ok ? file.flow : undefined;
  };

  /** The file a `ref` names, loaded; undefined when `from` is not a flow of a loaded file. */
  referencedFile(ref: string, from: FlowDefinition): FlowFile | undefined {
    const owner = this.fileOfFlow.get(from);
    return owner && this.loadAbsolute(resolve(dirname(owner.path), ref));
  }

  private loadAbsolute(path: string, label?: string): FlowFile {
    const known = this.byPath.get(path);
    if (known) return known;
    const file = this.read(path, label ?? this.labelOf(path));
    this.byPath.set(path, file);
    if (file.ok) this.fileOfFlow.set(file.flow, file);
    return file;
  }

  private read(path: string, label: string): FlowFile {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      return { path, label, ok: false, readError: readErrorMessage(error) };
    }
    const loaded = loadFlowYaml(text);
    return loaded.ok
      ? { path, label, ok: true, flow: loaded.flow }
      : { path, label, ok: false, problems: loaded.problems };
  }

  private labelOf(path: string): string {
    const fromCwd = relative(this.cwd, path);
    return fromCwd && !fromCwd.startsWith('..') && !isAbsolute(fromCwd) ? fromCwd : path;
  }
}

/**
 * Loads and validates a file, with the problems of every file it references. A referenced file that cannot be
 * read or parsed shows up twice on purpose: as "cannot find flow" at the node that names it, and with its own
 * problems under its own name, which says why.
 */
export function checkFlowFile(files: FlowFiles, path: string): CheckedFlowFile {
  const file = files.load(path);
  const problems = fileProblems(file);
  if (!file.ok) return { file, problems };
  const referenced = new Set<FlowFile>();
  const resolveReference = (ref: string, from: FlowDefinition) => {
    const target = files.referencedFile(ref, from);
    if (target) referenced.add(target);
    return target?.ok ? target.flow : undefined;
  };
  const found = validateFlow(file.flow, { registry: defaultRegistry(), resolveReference });
  problems.push(...found.map((problem) => ({ file: file.label, message: formatProblem(problem) })));
  for (const target of referenced) if (target !== file) problems.push(...fileProblems(target));
  return { file, problems };
}

/** The problems of loading a file (reading, YAML, document shape); graph problems come from validateFlow. */
function fileProblems(file: FlowFile): FileProblem[] {
  if (file.ok) return [];
  if ('readError' in file) return [{ file: file.label, message: file.readError }];
  return file.problems.map((problem) => ({ file: file.label, message: formatProblem(problem) }));
}

function readErrorMessage(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'cannot read the file: it does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'cannot read the file: permission denied';
    case 'EISDIR':
      return 'cannot read the file: it is a folder';
    default:
      return `cannot read the file: ${(error as Error).message}`;
  }
}
