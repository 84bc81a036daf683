import { type Flow, type FlowInput, isInputRequired } from '@groundwork/runtime/schema';
import { type ReactNode, useId } from 'react';
import { fieldKind, initialRaw, type RawValue } from './run-inputs.js';
import { chosenVariants, setInputValue, setVariant, useRunPanel } from './use-run-controller.js';

/** A field per declared input, by its type, and a variant picker per node that has variants. */
export function RunInputsForm(props: { flow: Flow; disabled: boolean }) {
  const { flow, disabled } = props;
  const values = useRunPanel((state) => state.values);
  const picked = useRunPanel((state) => state.variants);
  const fieldErrors = useRunPanel((state) => state.fieldErrors);
  const inputs = Object.entries(flow.inputs ?? {});
  const withVariants = flow.nodes.filter((node) => (node.variants?.length ?? 0) > 0);
  const variants = chosenVariants(flow, picked);

  return (
    <div className="run-form">
      {inputs.length === 0 ? (
        <p className="muted" data-testid="run-no-inputs">
          This flow has no inputs; it runs as it is.
        </p>
      ) : (
        inputs.map(([name, input]) => (
          <InputField
            key={name}
            name={name}
            input={input}
            value={values[name] ?? initialRaw(input)}
            error={fieldErrors[name]}
            disabled={disabled}
          />
        ))
      )}
      {withVariants.length > 0 && (
        <fieldset className="run-variants">
          <legend>Variants</legend>
          {withVariants.map((node) => (
            <label key={node.id} className="field">
              <span className="field-label">{node.title ?? node.id}</span>
              <select
                data-testid={`run-variant-${node.id}`}
                value={variants[node.id]}
                disabled={disabled}
                onChange={(event) => setVariant(node.id, event.target.value)}
              >
                {node.variants!.map((variant) => (
                  <option key={variant.name} value={variant.name}>
                    {variant.name}
                    {variant.name === node.defaultVariant ? ' (default)' : ''}
                  </option>
                ))}
              </select>
              {fieldErrors[`variants.${node.id}`] && (
                <span className="field-error">{fieldErrors[`variants.${node.id}`]}</span>
              )}
            </label>
          ))}
        </fieldset>
      )}
    </div>
  );
}

function InputField(props: {
  name: string;
  input: FlowInput;
  value: RawValue;
  error: string | undefined;
  disabled: boolean;
}) {
  const { name, input, value, error, disabled } = props;
  const id = useId();
  const kind = fieldKind(input);
  const required = isInputRequired(input);
  const common = {
    id,
    'data-testid': `run-input-${name}`,
    'aria-describedby': input.description || error ? `${id}-help` : undefined,
    disabled,
    'aria-invalid': error !== undefined,
    'aria-required': required,
  };
  let control: ReactNode;
  if (kind === 'boolean') {
    control = (
      <input
        type="checkbox"
        {...common}
        checked={value === true}
        onChange={(event) => setInputValue(name, event.target.checked)}
      />
    );
  } else if (kind === 'number') {
    control = (
      <input
        type="number"
        step="any"
        {...common}
        value={String(value)}
        onChange={(event) => setInputValue(name, event.target.value)}
      />
    );
  } else {
    control = (
      <textarea
        {...common}
        rows={kind === 'json' ? 4 : 3}
        spellCheck={kind === 'text'}
        placeholder={kind === 'json' ? jsonPlaceholder(input.type) : undefined}
        value={String(value)}
        onChange={(event) => setInputValue(name, event.target.value)}
      />
    );
  }
  return (
    <div className={`field${kind === 'boolean' ? ' field-inline' : ''}`}>
      <label className="field-label" htmlFor={id}>
        {name}
        {required && (
          <span className="required" title="required">
            {' '}
            *
          </span>
        )}
        <span className="field-type">{input.type}</span>
      </label>
      {control}
      <span id={`${id}-help`} className="field-notes">
        {input.description && <span className="field-help">{input.description}</span>}
        {error && (
          <span className="field-error" data-testid={`run-input-error-${name}`}>
            {/* The server's and the form's messages are written to follow the field's name ("is required"). */}
            {error.startsWith('is ') ? `${name} ${error}` : error}
          </span>
        )}
      </span>
    </div>
  );
}

/** A hint of the JSON shape each structured type takes. */
function jsonPlaceholder(type: string): string {
  if (type === 'messages') return '[{"role": "user", "content": "Hello"}]';
  if (type === 'passages') return '[{"id": "doc-1", "text": "..."}]';
  if (type.startsWith('list<')) return '["first", "second"]';
  return 'JSON, e.g. {"key": "value"}';
}
