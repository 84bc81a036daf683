import { useDraft } from './use-draft.js';

export interface JsonFieldProps {
  id: string;
  testId: string;
  value: unknown;
  /** `undefined` when emptied (an optional field is then removed). */
  onChange(value: unknown): void;
  required?: boolean;
  disabled?: boolean;
  placeholder?: string | undefined;
  rows?: number;
}

const print = (value: unknown) => (value === undefined ? '' : JSON.stringify(value, null, 2));

/** Why `text` cannot be applied, or the value it stands for. */
export function parseJsonText(
  text: string,
  required = false,
): { ok: true; value: unknown } | { ok: false; error: string } {
  if (text.trim() === '') return required ? { ok: false, error: 'required' } : { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: `not valid JSON: ${(error as Error).message}` };
  }
}

/**
 * A value the form has no widget for (a nested sub-flow, a list of messages, a default of any type) as JSON: applied
 * whenever the text parses, and kept as typed with the parse error shown while it does not.
 */
export function JsonField({ id, testId, value, onChange, required, disabled, placeholder, rows }: JsonFieldProps) {
  const draft = useDraft(print(value));
  const parsed = parseJsonText(draft.text, required);
  const lines = Math.min(Math.max(draft.text.split('\n').length, rows ?? 3), 24);
  return (
    <>
      <textarea
        id={id}
        data-testid={testId}
        className="mono"
        spellCheck={false}
        rows={lines}
        disabled={disabled}
        placeholder={placeholder}
        aria-invalid={parsed.ok ? undefined : true}
        value={draft.text}
        onChange={(event) => {
          const text = event.target.value;
          const result = parseJsonText(text, required);
          if (!result.ok) return draft.edit(text);
          draft.edit(text, print(result.value));
          onChange(result.value);
        }}
      />
      {!parsed.ok && (
        <div className="field-error" role="alert" data-testid={`${testId}-error`}>
          {parsed.error}
        </div>
      )}
    </>
  );
}
