import { z } from 'zod';
import { type FlowDefinition, flowReferenceSchema, inlineFlowSchema, isInputRequired } from '../../schema/flow.js';
import { listOf, type PortType, parsePortType } from '../../schema/port-types.js';
import type { PortSpec } from '../node-type.js';

/** A sub-flow written inline, or a reference that the host resolves (CLI: a path relative to the flow file). */
export const subflowSpecSchema = z.union([flowReferenceSchema, inlineFlowSchema]);

export function subflowInputPorts(flow: FlowDefinition, except?: string): PortSpec[] {
  return Object.entries(flow.inputs ?? {})
    .filter(([name]) => name !== except)
    .map(([name, input]) => ({
      name,
      type: parsePortType(input.type),
      required: isInputRequired(input),
      ...(input.description ? { description: input.description } : {}),
    }));
}

export function subflowOutputPorts(
  flow: FlowDefinition,
  wrap: (type: PortType) => PortType = (type) => type,
): PortSpec[] {
  return Object.entries(flow.outputs ?? {}).map(([name, output]) => ({
    name,
    type: wrap(parsePortType(output.type)),
    ...(output.description ? { description: output.description } : {}),
  }));
}

export const asList = (type: PortType): PortType => listOf(type);
