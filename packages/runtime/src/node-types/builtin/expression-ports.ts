import { z } from 'zod';
import { compileExpression, TemplateError } from '../../prompts/jinja.js';
import { primitive } from '../../schema/port-types.js';
import type { PortSpec } from '../node-type.js';

/** A Jinja expression in a node config; a syntax error is reported on the config field. */
export const expressionSchema = z
  .string()
  .min(1)
  .superRefine((source, context) => {
    try {
      compileExpression(source);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      context.addIssue({ code: 'custom', message: error.message });
    }
  });

/** The inputs of a node driven by an expression: one required port per variable it reads. */
export function expressionInputs(expression: string, except: readonly string[] = []): PortSpec[] {
  return compileExpression(expression)
    .variables.filter((variable) => !except.includes(variable))
    .map((variable) => ({
      name: variable,
      type: primitive('any'),
      required: true,
      description: `read by the expression`,
    }));
}

/** The `value` port of condition and switch: passed through to the chosen branch. */
export const PASS_THROUGH_PORT: PortSpec = {
  name: 'value',
  type: primitive('any'),
  required: false,
  skipWhenInactive: true,
  description: 'passed to the chosen branch (the expression result when not connected)',
};
