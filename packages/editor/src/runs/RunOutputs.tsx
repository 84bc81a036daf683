import type { FlowOutput } from '@groundwork/runtime/schema';
import { formatValue } from './format.js';

/** The flow's outputs: text as text, anything else as indented JSON; a declared output the run did not produce says so. */
export function RunOutputs(props: {
  outputs: Record<string, unknown> | undefined;
  declared: Record<string, FlowOutput> | undefined;
}) {
  const outputs = props.outputs ?? {};
  const names = [...new Set([...Object.keys(props.declared ?? {}), ...Object.keys(outputs)])];
  if (names.length === 0) return <p className="muted">The flow declares no outputs.</p>;
  return (
    <dl className="run-outputs">
      {names.map((name) => {
        const value = outputs[name];
        return (
          <div key={name} className="run-output" data-testid={`run-output-${name}`}>
            <dt>
              {name}
              {props.declared?.[name] && <span className="field-type">{props.declared[name].type}</span>}
            </dt>
            <dd>
              {value === undefined ? (
                <span className="muted">no value (its branch did not run)</span>
              ) : (
                <pre className={typeof value === 'string' ? 'text-value' : 'json-value'}>{formatValue(value)}</pre>
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
