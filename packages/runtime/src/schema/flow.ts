import { z } from 'zod';
import { PortTypeError, parsePortType } from './port-types.js';

/** The flow-document version this build writes. Older documents are migrated on load (see migrations.ts). */
export const CURRENT_SCHEMA_VERSION = 1;

export const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const IDENTIFIER_RULE = 'must start with a letter or _ and contain only letters, digits, _ and -';

/** Node ids, port names, input/output names and variant names: safe in `node.port` references and URLs. */
export const identifierSchema = z.string().regex(IDENTIFIER_PATTERN, { error: IDENTIFIER_RULE });

/** Flow names appear in URLs (`/api/v1/flows/{name}/run`). */
export const flowNameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
    error: 'must start with a letter or digit and contain only letters, digits, _, . and -',
  });

export const portTypeStringSchema = z.string().superRefine((source, ctx) => {
  try {
    parsePortType(source);
  } catch (error) {
    if (!(error instanceof PortTypeError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
  }
});

export const flowInputSchema = z.strictObject({
  type: portTypeStringSchema,
  description: z.string().optional(),
  /** Used when a run does not give this input; an input with a default is optional. */
  default: z.unknown().optional(),
  /** Defaults to true unless a default is given. An optional input that is not given produces no value. */
  required: z.boolean().optional(),
});

export const flowOutputSchema = z.strictObject({
  type: portTypeStringSchema,
  description: z.string().optional(),
});

export const positionSchema = z.strictObject({ x: z.number(), y: z.number() });

export const retryPolicySchema = z.strictObject({
  /** Attempts in total, the first included. */
  maxAttempts: z.int().min(1).max(20),
  /** Delay before the second attempt; each later delay is multiplied by `factor`. */
  backoffMs: z.number().min(0).max(600_000).optional(),
  factor: z.number().min(1).max(10).optional(),
  maxBackoffMs: z.number().min(0).max(3_600_000).optional(),
});

export const variantSchema = z.strictObject({
  name: identifierSchema,
  description: z.string().optional(),
  /** Overrides of the node's config for this variant: the effective config is `{ ...node.config, ...variant.config }`. */
  config: z.record(z.string(), z.unknown()),
});

export const nodeSchema = z.strictObject({
  id: identifierSchema,
  type: z.string().min(1),
  title: z.string().optional(),
  description: z.string().optional(),
  position: positionSchema.optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  variants: z.array(variantSchema).optional(),
  defaultVariant: identifierSchema.optional(),
  timeoutMs: z.int().min(1).max(86_400_000).optional(),
  retry: retryPolicySchema.optional(),
});

/** `node.port`, e.g. `answer.text`. */
export const portReferenceSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_-]*$/, {
  error: 'must be written node.port, e.g. prompt.text',
});

export const edgeSchema = z.strictObject({ from: portReferenceSchema, to: portReferenceSchema });

const flowBodyShape = {
  description: z.string().optional(),
  inputs: z.record(identifierSchema, flowInputSchema).optional(),
  outputs: z.record(identifierSchema, flowOutputSchema).optional(),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema).optional(),
};

export const flowSchema = z.strictObject({
  schemaVersion: z.literal(CURRENT_SCHEMA_VERSION),
  name: flowNameSchema,
  ...flowBodyShape,
});

/** A flow written inside a `map` or `subflow` node: a flow without its own version or (necessarily) a name. */
export const inlineFlowSchema = z.strictObject({ name: flowNameSchema.optional(), ...flowBodyShape });

/** A reference to another flow by name; the host (CLI: a file path, server: a stored flow) resolves it. */
export const flowReferenceSchema = z.strictObject({ ref: z.string().min(1) });

export type FlowInput = z.infer<typeof flowInputSchema>;
export type FlowOutput = z.infer<typeof flowOutputSchema>;
export type FlowNode = z.infer<typeof nodeSchema>;
export type FlowEdge = z.infer<typeof edgeSchema>;
export type Variant = z.infer<typeof variantSchema>;
export type RetryPolicy = z.infer<typeof retryPolicySchema>;
export type Position = z.infer<typeof positionSchema>;
export type Flow = z.infer<typeof flowSchema>;
export type InlineFlow = z.infer<typeof inlineFlowSchema>;
export type FlowReference = z.infer<typeof flowReferenceSchema>;
/** What the engine runs: a top-level flow or an inline sub-flow. */
export type FlowDefinition = Flow | InlineFlow;

export interface PortReference {
  node: string;
  port: string;
}

export function parsePortReference(reference: string): PortReference {
  const dot = reference.indexOf('.');
  return { node: reference.slice(0, dot), port: reference.slice(dot + 1) };
}

export function formatPortReference(reference: PortReference): string {
  return `${reference.node}.${reference.port}`;
}

/** Whether an input is required when a run starts. */
export function isInputRequired(input: FlowInput): boolean {
  return input.required ?? input.default === undefined;
}
