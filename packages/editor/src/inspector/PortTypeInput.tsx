import { PortTypeError, parsePortType } from '@groundwork/runtime/schema';
import { useState } from 'react';
import { useDraft } from './use-draft.js';

/** The types people pick most; anything else the grammar allows is typed in ("other"). */
export const COMMON_PORT_TYPES = [
  'text',
  'number',
  'boolean',
  'json',
  'messages',
  'passages',
  'list<text>',
  'list<number>',
  'list<json>',
] as const;

const OTHER = '__other__';

export interface PortTypeInputProps {
  id: string;
  testId: string;
  value: string;
  onChange(type: string): void;
  disabled?: boolean;
}

/** Why `source` is not a port type, or undefined when it is one. */
export function portTypeProblem(source: string): string | undefined {
  try {
    parsePortType(source);
    return undefined;
  } catch (error) {
    if (error instanceof PortTypeError) return error.message;
    throw error;
  }
}

/**
 * A port type: a select of the common ones, and a text field for the rest of the grammar (`any`, `list<passages>`,
 * `text | messages`), applied only when the runtime's parser accepts it.
 */
export function PortTypeInput({ id, testId, value, onChange, disabled }: PortTypeInputProps) {
  const common = (COMMON_PORT_TYPES as readonly string[]).includes(value);
  const [otherChosen, setOtherChosen] = useState(false);
  const other = otherChosen || !common;
  const draft = useDraft(value);
  const problem = other ? portTypeProblem(draft.text) : undefined;
  return (
    <div className="port-type-input">
      <select
        id={id}
        data-testid={testId}
        disabled={disabled}
        value={other ? OTHER : value}
        onChange={(event) => {
          const choice = event.target.value;
          setOtherChosen(choice === OTHER);
          if (choice !== OTHER) onChange(choice);
        }}
      >
        {COMMON_PORT_TYPES.map((type) => (
          <option key={type} value={type}>
            {type}
          </option>
        ))}
        <option value={OTHER}>other…</option>
      </select>
      {other && (
        <input
          type="text"
          className="mono"
          aria-label="port type"
          data-testid={`${testId}-other`}
          disabled={disabled}
          value={draft.text}
          placeholder="e.g. list<passages> or text | messages"
          onChange={(event) => {
            const text = event.target.value;
            const source = text.trim();
            if (portTypeProblem(source) !== undefined) return draft.edit(text);
            draft.edit(text, source);
            onChange(source);
          }}
        />
      )}
      {problem && (
        <div className="field-error" role="alert" data-testid={`${testId}-error`}>
          {problem}
        </div>
      )}
    </div>
  );
}
