import type { NodeCheckProblem } from '../node-type.js';

/** The problem of an input or output node naming something the flow does not declare (empty when it does). */
export function undeclaredName(
  side: 'input' | 'output',
  name: string,
  declared: Readonly<Record<string, unknown>>,
): NodeCheckProblem[] {
  if (name in declared) return [];
  const names = Object.keys(declared);
  return [
    {
      code: side === 'input' ? 'unknown-flow-input' : 'unknown-flow-output',
      path: ['name'],
      message: `flow ${side} "${name}" is not declared under ${side}s${names.length ? ` (declared: ${names.join(', ')})` : ''}`,
    },
  ];
}
