import { z } from 'zod';
import { identifierSchema } from '../../schema/flow.js';
import { type PortType, primitive, samePortType } from '../../schema/port-types.js';
import type { PortSpec } from '../node-type.js';

/** The named, optional inputs of merge and collect. */
export const joinConfigSchema = z.strictObject({
  ports: z
    .array(identifierSchema)
    .min(1)
    .default(['a', 'b'])
    .refine((ports) => new Set(ports).size === ports.length, { message: 'port names must be unique' }),
});

export function joinInputs(ports: readonly string[]): PortSpec[] {
  return ports.map((name) => ({ name, type: primitive('any'), required: false }));
}

/** The common type of the connected inputs: that type when they agree, their union otherwise. */
export function commonType(inputTypes: ReadonlyMap<string, PortType>): PortType {
  const distinct: PortType[] = [];
  for (const type of inputTypes.values()) {
    if (!distinct.some((seen) => samePortType(seen, type))) distinct.push(type);
  }
  if (distinct.length === 0) return primitive('any');
  if (distinct.some((type) => type.kind === 'any')) return primitive('any');
  return distinct.length === 1 ? distinct[0]! : { kind: 'union', options: distinct };
}
