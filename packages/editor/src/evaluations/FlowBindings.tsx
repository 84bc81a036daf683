import type { FlowInputInfo, VariantNode } from './evaluation-form.js';

/** Which column feeds each flow input; an input left unmapped takes its default (when it has one). */
export function InputMapping(props: {
  inputs: FlowInputInfo[];
  columns: string[];
  mapping: Record<string, string>;
  problems: Record<string, string>;
  onChange(mapping: Record<string, string>): void;
}) {
  if (props.inputs.length === 0) return <p className="muted">This flow takes no inputs.</p>;
  return (
    <table className="mapping-table" data-testid="evaluation-mapping">
      <thead>
        <tr>
          <th>Flow input</th>
          <th>Column</th>
        </tr>
      </thead>
      <tbody>
        {props.inputs.map((input) => (
          <tr key={input.name}>
            <td>
              <code>{input.name}</code> <span className="muted small">{input.type}</span>
              {!input.required && <span className="muted small"> · optional</span>}
            </td>
            <td>
              <select
                data-testid={`evaluation-map-${input.name}`}
                aria-invalid={props.problems[input.name] ? true : undefined}
                value={props.mapping[input.name] ?? ''}
                onChange={(event) => props.onChange({ ...props.mapping, [input.name]: event.target.value })}
              >
                <option value="">{input.required ? 'Choose a column…' : '(its default)'}</option>
                {props.columns.map((column) => (
                  <option key={column} value={column}>
                    {column}
                  </option>
                ))}
              </select>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The variants to sweep per node; every ticked combination runs over every row. */
export function VariantChoice(props: {
  nodes: VariantNode[];
  chosen: Record<string, string[]>;
  onChange(chosen: Record<string, string[]>): void;
}) {
  if (props.nodes.length === 0)
    return (
      <p className="muted" data-testid="evaluation-no-variants">
        No prompt or llm node of this flow has variants: the evaluation runs the flow as it is. Add variants in the
        inspector to compare them.
      </p>
    );
  const toggle = (node: string, variant: string, on: boolean) => {
    const current = props.chosen[node] ?? [];
    const next = on ? [...current, variant] : current.filter((name) => name !== variant);
    const order = props.nodes.find((candidate) => candidate.id === node)!.variants;
    props.onChange({ ...props.chosen, [node]: order.filter((name) => next.includes(name)) });
  };
  return (
    <div className="variant-choice" data-testid="evaluation-variants">
      {props.nodes.map((node) => (
        <div key={node.id} className="variant-node">
          <div>
            <code>{node.title}</code> <span className="muted small">{node.type}</span>
            {(props.chosen[node.id] ?? []).length === 0 && (
              <span className="muted small"> · none ticked: runs {node.defaultVariant}</span>
            )}
          </div>
          {node.variants.map((variant) => (
            <label key={variant} className="check">
              <input
                type="checkbox"
                data-testid={`evaluation-variant-${node.id}-${variant}`}
                checked={(props.chosen[node.id] ?? []).includes(variant)}
                onChange={(event) => toggle(node.id, variant, event.target.checked)}
              />
              {variant}
              {variant === node.defaultVariant && <span className="muted small"> (default)</span>}
            </label>
          ))}
        </div>
      ))}
    </div>
  );
}
