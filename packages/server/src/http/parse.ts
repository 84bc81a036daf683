import type { z } from 'zod';
import { type ErrorIssue, HttpError } from './http-error.js';

/**
 * Checks a part of a request against its schema, or throws a 400 naming every problem by its path:
 * `body.inputs: expected object`, `body: unknown field "tempreature"`.
 */
export function parseRequest<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  where: 'body' | 'query' | 'params',
): z.output<Schema> {
  const parsed = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (parsed.success) return parsed.data;
  const issues: ErrorIssue[] = parsed.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issueMessage(issue),
  }));
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  throw new HttpError('invalid-request', summary, { issues });
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  }
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined'))
    return `is required (${issue.expected})`;
  return issue.message;
}
