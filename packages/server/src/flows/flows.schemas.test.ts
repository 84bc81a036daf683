import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as diffSchemas from './diff.schemas.js';
import * as flowSchemas from './flows.schemas.js';
import {
  exportQuerySchema,
  flowDetailResponseSchema,
  labelNameSchema,
  updateFlowBodySchema,
  versionNumberTextSchema,
} from './flows.schemas.js';

describe('request schemas', () => {
  it.each(['production', 'staging', 'v2', '2026-11', 'canary_eu', 'a'.repeat(64)])('accepts the label %s', (label) => {
    expect(labelNameSchema.safeParse(label).success).toBe(true);
  });

  it.each(['Production', '-draft', '_draft', 'has space', 'dot.ted', '', 'a'.repeat(65)])(
    'refuses the label "%s"',
    (label) => {
      expect(labelNameSchema.safeParse(label).success).toBe(false);
    },
  );

  it('reads version numbers from path text, refusing anything but a whole number from 1', () => {
    expect(versionNumberTextSchema.parse('12')).toBe(12);
    for (const text of ['0', '01', '1.5', '-1', '1e3', 'latest', ' 1', '9999999999']) {
      expect(versionNumberTextSchema.safeParse(text).success, text).toBe(false);
    }
    expect(exportQuerySchema.parse({})).toEqual({});
    expect(exportQuerySchema.safeParse({ version: '2', format: 'json' }).success).toBe(false);
  });

  it('refuses unknown fields and a fractional base version in a save', () => {
    const flow = { schemaVersion: 1, name: 'x', nodes: [] };
    expect(updateFlowBodySchema.safeParse({ flow, baseVersion: 2 }).success).toBe(true);
    expect(updateFlowBodySchema.safeParse({ flow, baseVersion: 1.5 }).success).toBe(false);
    const unknown = updateFlowBodySchema.safeParse({ flow, base: 2 });
    expect(unknown.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['base'] });
  });
});

describe('the schemas as JSON Schema', () => {
  const schemas = { ...flowSchemas, ...diffSchemas } as Record<string, unknown>;
  const exported = Object.entries(schemas).flatMap(([name, value]) =>
    value instanceof z.ZodType ? [[name, value] as const] : [],
  );

  it('covers the request and response schemas', () => {
    expect(exported.length).toBeGreaterThan(20);
  });

  it.each(exported)('%s converts for the OpenAPI document', (name, schema) => {
    const io = name.endsWith('ResponseSchema') ? 'output' : 'input';
    // Without `unrepresentable: 'any'`: a schema JSON Schema cannot express throws instead of becoming {}.
    expect(() => z.toJSONSchema(schema, { io })).not.toThrow();
  });

  it('describes the stored document in responses with the flow schema', () => {
    const json = z.toJSONSchema(flowDetailResponseSchema, { io: 'output' });
    expect(json).toMatchObject({
      properties: { version: { properties: { flow: { required: ['schemaVersion', 'name', 'nodes'] } } } },
    });
  });
});
