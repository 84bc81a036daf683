import { type PortContext, promptNode } from '@groundwork/runtime/node-types';
import { type Flow, type FlowEdge, parsePortReference } from '@groundwork/runtime/schema';

/** Prompt ports never look at the flow around them; the analysis's context is not needed to list variables. */
const NO_CONTEXT: PortContext = { flowInputs: {}, flowOutputs: {}, resolveFlow: () => undefined };

export type TemplateVariables = { ok: true; variables: string[] } | { ok: false; error: string };

/**
 * The variables a prompt's templates read, in order of first use. The runtime's `compileTemplate` has no
 * browser-safe entry point, so this asks the prompt node type for its input ports (one per variable), which is the
 * same computation the engine does.
 */
export function templateVariables(templates: readonly string[]): TemplateVariables {
  const variables: string[] = [];
  try {
    for (const template of templates) {
      for (const port of promptNode.ports({ template }, NO_CONTEXT).inputs) {
        if (!variables.includes(port.name)) variables.push(port.name);
      }
    }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  return { ok: true, variables };
}

/** The edge into `nodeId.port`, if one is drawn (an input takes one edge). */
export function edgeInto(flow: Flow, nodeId: string, port: string): FlowEdge | undefined {
  return (flow.edges ?? []).find((edge) => {
    const end = parsePortReference(edge.to);
    return end.node === nodeId && end.port === port;
  });
}
