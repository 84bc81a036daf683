import { formatDiffValue, type ValueChange } from '@groundwork/runtime/diff';
import { splitFieldPath, useDiffSides } from './sides.js';

/** Values whose one-line form would be cut (long JSON, lists of stop strings...) are shown whole, in two columns. */
const INLINE_LIMIT = 60;

/** `temperature: 0 → 0.7`; `not set` for a side without the field; long values whole, before | after. */
export function ValueChangeRow({ change }: { change: ValueChange }) {
  const sides = useDiffSides();
  const path = <FieldPath path={change.path} />;
  const long = [change.before, change.after].some(
    (value) => value !== undefined && fullText(value).length > INLINE_LIMIT,
  );
  if (!long) {
    return (
      <li className="diff-field value-change" data-testid="diff-value" data-path={change.path}>
        {path}: <InlineValue value={change.before} side="before" /> <span className="diff-arrow">→</span>{' '}
        <InlineValue value={change.after} side="after" />
      </li>
    );
  }
  return (
    <li className="diff-field value-change long" data-testid="diff-value" data-path={change.path}>
      {path}:
      <div className="value-columns">
        <div>
          <div className="value-column-head">{sides.before}</div>
          <BlockValue value={change.before} side="before" />
        </div>
        <span className="diff-arrow" aria-hidden="true">
          →
        </span>
        <div>
          <div className="value-column-head">{sides.after}</div>
          <BlockValue value={change.after} side="after" />
        </div>
      </div>
    </li>
  );
}

/** `config.temperature`, the `config.` muted: the name is what people look for. */
export function FieldPath({ path }: { path: string }) {
  const { prefix, name } = splitFieldPath(path);
  return (
    <span className="diff-path">
      {prefix && <span className="diff-path-prefix">{prefix}</span>}
      {name}
    </span>
  );
}

function InlineValue({ value, side }: { value: unknown; side: 'before' | 'after' }) {
  if (value === undefined) return <span className={`diff-value unset ${side}`}>not set</span>;
  return (
    <code className={`diff-value ${side}`} title={fullText(value)}>
      {formatDiffValue(value)}
    </code>
  );
}

function BlockValue({ value, side }: { value: unknown; side: 'before' | 'after' }) {
  if (value === undefined) return <span className={`diff-value unset ${side}`}>not set</span>;
  return <pre className={`diff-value ${side}`}>{fullText(value)}</pre>;
}

/** A value whole: strings as they are, anything else as indented JSON. */
function fullText(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2) ?? String(value);
}
