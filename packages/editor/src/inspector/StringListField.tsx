import { useState } from 'react';
import type { WidgetProps } from './ConfigFieldInput.js';
import type { ConfigField } from './schema-fields.js';

type ListField = Extract<ConfigField, { kind: 'string-list' }>;

/**
 * An editable list of strings (switch cases, merge/collect ports, stop strings): edit in place, move up and down,
 * remove, and add from a field below. Items are keyed by position so typing in one keeps its focus.
 */
export function StringListField({
  field,
  value,
  onChange,
  disabled,
  id,
  removable,
  testId,
}: WidgetProps<ListField> & { testId: string }) {
  const [fresh, setFresh] = useState('');
  const stored = Array.isArray(value) ? value.map(String) : undefined;
  // The default applies while the field is unset, so the first edit starts from it, not from nothing.
  const items = stored ?? (Array.isArray(field.default) ? field.default.map(String) : []);
  const apply = (next: string[]) => onChange(next.length === 0 && !field.required && removable ? undefined : next);
  const move = (from: number, to: number) => {
    const next = [...items];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item!);
    apply(next);
  };
  const full = field.maxItems !== undefined && items.length >= field.maxItems;
  const pattern = field.pattern ? new RegExp(field.pattern) : undefined;
  const add = () => {
    if (fresh === '' || full) return;
    apply([...items, fresh]);
    setFresh('');
  };
  return (
    <div className="string-list" data-testid={testId} id={id}>
      {stored === undefined && items.length > 0 && <div className="field-help">default: {items.join(', ')}</div>}
      {disabled && items.length === 0 && <div className="muted">not set</div>}
      {items.map((item, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: position is the identity of an item being typed in.
        <div className="string-list-item" key={index}>
          <input
            type="text"
            data-testid={`${testId}-${index}`}
            aria-label={`${field.label} ${index + 1}`}
            aria-invalid={(pattern && !pattern.test(item)) || item === '' ? true : undefined}
            disabled={disabled}
            value={item}
            onChange={(event) => apply(items.map((old, at) => (at === index ? event.target.value : old)))}
          />
          <button
            type="button"
            className="icon"
            aria-label="move up"
            data-testid={`${testId}-${index}-up`}
            disabled={disabled || index === 0}
            onClick={() => move(index, index - 1)}
          >
            ↑
          </button>
          <button
            type="button"
            className="icon"
            aria-label="move down"
            data-testid={`${testId}-${index}-down`}
            disabled={disabled || index === items.length - 1}
            onClick={() => move(index, index + 1)}
          >
            ↓
          </button>
          <button
            type="button"
            className="icon"
            aria-label="remove"
            data-testid={`${testId}-${index}-remove`}
            disabled={disabled}
            onClick={() => apply(items.filter((_, at) => at !== index))}
          >
            ✕
          </button>
        </div>
      ))}
      {!disabled && (
        <div className="string-list-item">
          <input
            type="text"
            data-testid={`${testId}-new`}
            aria-label={`new ${field.label.toLowerCase()}`}
            placeholder={full ? `at most ${field.maxItems}` : 'add…'}
            disabled={full}
            value={fresh}
            onChange={(event) => setFresh(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                add();
              }
            }}
          />
          <button type="button" data-testid={`${testId}-add`} disabled={fresh === '' || full} onClick={add}>
            Add
          </button>
        </div>
      )}
    </div>
  );
}
