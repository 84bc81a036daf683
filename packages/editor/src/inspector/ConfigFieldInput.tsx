import type { Flow } from '@groundwork/runtime/schema';
import { useEffect, useRef } from 'react';
import { JsonField } from './JsonField.js';
import { PortTypeInput } from './PortTypeInput.js';
import { StringListField } from './StringListField.js';
import { type ConfigField, withinRange } from './schema-fields.js';
import { useDraft } from './use-draft.js';

export interface WidgetProps<F extends ConfigField = ConfigField> {
  field: F;
  value: unknown;
  /** `undefined` removes the field from the config. */
  onChange(value: unknown): void;
  disabled: boolean;
  id: string;
  /**
   * Whether emptying the input removes the field. Not for a variant's override: removing it would make the field
   * inherited (and read-only) in the middle of typing; "use shared" does that explicitly.
   */
  removable: boolean;
}

const testIdOf = (field: ConfigField) => `config-${field.name}`;

const placeholderOf = (field: ConfigField) =>
  field.default === undefined
    ? undefined
    : typeof field.default === 'string'
      ? field.default
      : JSON.stringify(field.default);

/** The input for one config field, chosen by the field's kind. */
export function ConfigFieldInput(props: WidgetProps & { flow: Flow }) {
  const { field, value, onChange, disabled, id, flow } = props;
  switch (field.kind) {
    case 'text':
      return <TextWidget {...props} field={field} />;
    case 'number':
      return <NumberWidget {...props} field={field} />;
    case 'boolean':
      return <BooleanWidget {...props} field={field} />;
    case 'enum':
      return (
        <select
          id={id}
          data-testid={testIdOf(field)}
          disabled={disabled}
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => onChange(event.target.value || undefined)}
        >
          {((!field.required && props.removable) || value === undefined) && (
            <option value="">{field.default !== undefined ? `default (${String(field.default)})` : '(not set)'}</option>
          )}
          {field.options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      );
    case 'string-list':
      return <StringListField {...props} field={field} testId={testIdOf(field)} />;
    case 'json':
      return (
        <JsonField
          id={id}
          testId={testIdOf(field)}
          value={value}
          required={field.required || !props.removable}
          placeholder={placeholderOf(field)}
          disabled={disabled}
          onChange={onChange}
        />
      );
    case 'port-type':
      return (
        <PortTypeInput
          id={id}
          testId={testIdOf(field)}
          value={typeof value === 'string' ? value : String(field.default ?? 'json')}
          disabled={disabled}
          onChange={onChange}
        />
      );
    case 'flow-input':
    case 'flow-output': {
      const declared = Object.keys((field.kind === 'flow-input' ? flow.inputs : flow.outputs) ?? {});
      const current = typeof value === 'string' ? value : '';
      return (
        <select
          id={id}
          data-testid={testIdOf(field)}
          disabled={disabled}
          value={current}
          onChange={(event) => onChange(event.target.value)}
        >
          {!declared.includes(current) && (
            <option value={current}>{current ? `${current} (not declared)` : '(choose)'}</option>
          )}
          {declared.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      );
    }
  }
}

function TextWidget({
  field,
  value,
  onChange,
  disabled,
  id,
  removable,
}: WidgetProps<Extract<ConfigField, { kind: 'text' }>>) {
  const text = typeof value === 'string' ? value : '';
  // An optional field left empty is removed: an empty string is rarely what an optional text means (`model: ""`).
  const change = (next: string) => onChange(next === '' && !field.required && removable ? undefined : next);
  const pattern = field.pattern ? new RegExp(field.pattern) : undefined;
  const error =
    text !== '' && pattern && !pattern.test(text)
      ? 'not a valid name: letters, digits, _ and -, not starting with a digit'
      : undefined;
  const placeholder = placeholderOf(field) ?? (field.required ? undefined : 'not set');
  const common = { id, 'data-testid': testIdOf(field), disabled, value: text, placeholder };
  return (
    <>
      {field.multiline ? (
        <textarea
          {...common}
          className="mono"
          rows={field.name === 'expression' ? 2 : 6}
          spellCheck={false}
          onChange={(event) => change(event.target.value)}
        />
      ) : (
        <input {...common} type="text" onChange={(event) => change(event.target.value)} />
      )}
      {error && <div className="field-error">{error}</div>}
    </>
  );
}

function NumberWidget({
  field,
  value,
  onChange,
  disabled,
  id,
  removable,
}: WidgetProps<Extract<ConfigField, { kind: 'number' }>>) {
  const draft = useDraft(typeof value === 'number' ? String(value) : '');
  const number = draft.text.trim() === '' ? undefined : Number(draft.text);
  const outOfRange = number !== undefined && Number.isFinite(number) && !withinRange(field, number);
  return (
    <>
      <input
        id={id}
        data-testid={testIdOf(field)}
        type="number"
        disabled={disabled}
        value={draft.text}
        min={field.min}
        max={field.max}
        step={field.integer ? 1 : 'any'}
        placeholder={placeholderOf(field) ?? (field.required ? '' : 'not set')}
        onChange={(event) => {
          const text = event.target.value;
          // A number being typed ("-", "1e") reads as "" with badInput set: keep it as typed, apply nothing yet.
          if (text === '' && event.target.validity?.badInput) return draft.edit(text);
          if (text.trim() === '') {
            if (!removable) return draft.edit(text);
            draft.edit(text, '');
            return onChange(undefined);
          }
          const parsed = Number(text);
          if (!Number.isFinite(parsed)) return draft.edit(text);
          draft.edit(text, String(parsed));
          onChange(parsed);
        }}
      />
      {outOfRange && <div className="field-error">out of range</div>}
    </>
  );
}

function BooleanWidget({
  field,
  value,
  onChange,
  disabled,
  id,
  removable,
}: WidgetProps<Extract<ConfigField, { kind: 'boolean' }>>) {
  const ref = useRef<HTMLInputElement>(null);
  const unset = typeof value !== 'boolean';
  const checked = unset ? field.default === true : value;
  // "Not set" is a third state (the runtime decides), which a checkbox shows as indeterminate.
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = unset && field.default === undefined;
  });
  return (
    <span className="boolean-field">
      <input
        ref={ref}
        id={id}
        data-testid={testIdOf(field)}
        type="checkbox"
        disabled={disabled}
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
      />
      {unset ? (
        <span className="muted">{field.default !== undefined ? `default (${String(field.default)})` : 'not set'}</span>
      ) : (
        !field.required &&
        removable &&
        !disabled && (
          <button
            type="button"
            className="link"
            data-testid={`${testIdOf(field)}-clear`}
            onClick={() => onChange(undefined)}
          >
            unset
          </button>
        )
      )}
    </span>
  );
}
