import type { z } from 'zod';
import { type Flow, flowSchema } from './flow.js';
import { migrateFlowDocument } from './migrations.js';
import type { FlowProblem } from './problems.js';

export type FlowParseResult = { ok: true; flow: Flow } | { ok: false; problems: FlowProblem[] };

/** Migrates and checks the shape of a flow document (parsed JSON or YAML); graph checks come after (validate.ts). */
export function parseFlowDocument(document: unknown): FlowParseResult {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return {
      ok: false,
      problems: [{ code: 'schema', message: 'a flow must be a mapping with schemaVersion, name and nodes', path: [] }],
    };
  }
  const migrated = migrateFlowDocument(document as Record<string, unknown>);
  if (!migrated.ok) {
    return {
      ok: false,
      problems: [{ code: 'unsupported-version', message: migrated.message, path: ['schemaVersion'] }],
    };
  }
  const parsed = flowSchema.safeParse(migrated.document);
  if (parsed.success) return { ok: true, flow: parsed.data };
  return { ok: false, problems: zodIssuesToProblems(parsed.error.issues, migrated.document) };
}

/** Turns zod issues into problems, naming the node when the path runs through `nodes[i]`. */
export function zodIssuesToProblems(
  issues: readonly z.core.$ZodIssue[],
  document: unknown,
  options: { code?: FlowProblem['code']; prefix?: readonly (string | number)[] } = {},
): FlowProblem[] {
  return issues.map((issue) => {
    const path = [
      ...(options.prefix ?? []),
      ...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part)),
    ];
    const problem: FlowProblem = { code: options.code ?? 'schema', message: issueMessage(issue), path };
    const nodeId = nodeIdAt(document, path);
    if (nodeId !== undefined) problem.nodeId = nodeId;
    return problem;
  });
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  }
  if (issue.code === 'invalid_key') {
    const name = String(issue.path[issue.path.length - 1]);
    const reasons = issue.issues.map((inner) => inner.message).join('; ');
    return `the name "${name}" ${reasons}`;
  }
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return `is required (${issue.expected})`;
  }
  return issue.message;
}

function nodeIdAt(document: unknown, path: readonly (string | number)[]): string | undefined {
  if (typeof document !== 'object' || document === null) return undefined;
  if (path[0] !== 'nodes' || typeof path[1] !== 'number') return undefined;
  const nodes = (document as { nodes?: unknown }).nodes;
  if (!Array.isArray(nodes)) return undefined;
  const id = (nodes[path[1]] as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}
