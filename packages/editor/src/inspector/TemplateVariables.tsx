import type { Flow } from '@groundwork/runtime/schema';
import { edgeInto, templateVariables } from './template-variables.js';

/**
 * The variables the prompt's templates read, each with the edge that feeds it: every variable is a required input,
 * so one that is not connected keeps the node from running.
 */
export function TemplateVariables({
  flow,
  nodeId,
  templates,
}: {
  flow: Flow;
  nodeId: string;
  templates: readonly string[];
}) {
  const result = templateVariables(templates);
  return (
    <div className="template-variables" data-testid="template-variables">
      <div className="field-label">Variables</div>
      {!result.ok ? (
        <div className="field-error" data-testid="template-error">
          {result.error}
        </div>
      ) : result.variables.length === 0 ? (
        <div className="muted">none yet: write {'{{ name }}'} to read an input</div>
      ) : (
        <ul>
          {result.variables.map((name) => {
            const edge = edgeInto(flow, nodeId, name);
            return (
              <li key={name} data-testid={`template-variable-${name}`} className={edge ? 'connected' : 'unconnected'}>
                <code>{name}</code>{' '}
                {edge ? <span className="muted">from {edge.from}</span> : <span className="danger">not connected</span>}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
