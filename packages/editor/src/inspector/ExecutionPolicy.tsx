import type { FlowNode, RetryPolicy } from '@groundwork/runtime/schema';
import { useEditor } from '../state/editor-store.js';
import { FieldRow } from './FieldRow.js';
import { useDraft } from './use-draft.js';

/** A number input that writes `undefined` when emptied, and applies only what parses as a number. */
function OptionalNumber(props: {
  id: string;
  testId: string;
  value: number | undefined;
  placeholder?: string;
  min?: number;
  disabled?: boolean;
  onChange(value: number | undefined): void;
}) {
  const draft = useDraft(props.value === undefined ? '' : String(props.value));
  return (
    <input
      id={props.id}
      data-testid={props.testId}
      type="number"
      min={props.min}
      disabled={props.disabled}
      placeholder={props.placeholder}
      value={draft.text}
      onChange={(event) => {
        const text = event.target.value;
        if (text === '' && event.target.validity?.badInput) return draft.edit(text);
        const value = text.trim() === '' ? undefined : Number(text);
        if (value !== undefined && !Number.isFinite(value)) return draft.edit(text);
        draft.edit(text, value === undefined ? '' : String(value));
        props.onChange(value);
      }}
    />
  );
}

type RetryField = Exclude<keyof RetryPolicy, 'maxAttempts'>;

const RETRY_FIELDS: { field: RetryField; label: string; help: string }[] = [
  { field: 'backoffMs', label: 'Backoff (ms)', help: 'Wait before the second attempt.' },
  { field: 'factor', label: 'Backoff factor', help: 'Each later wait is multiplied by this.' },
  { field: 'maxBackoffMs', label: 'Longest backoff (ms)', help: '' },
];

/** The node's timeout and retry policy, which every node type has. */
export function ExecutionPolicy({ node, defaultTimeoutMs }: { node: FlowNode; defaultTimeoutMs: number | undefined }) {
  const updateNode = useEditor((state) => state.updateNode);
  const set = (key: 'timeoutMs' | 'retry', value: unknown, mergeKey: string) =>
    updateNode(
      node.id,
      (current) => {
        const { [key]: _old, ...rest } = current;
        return value === undefined ? rest : { ...current, [key]: value };
      },
      `node:${node.id}:${mergeKey}`,
    );
  const retry = node.retry;
  const setRetry = (field: keyof RetryPolicy, value: number | undefined) => {
    if (field === 'maxAttempts')
      return set('retry', value === undefined ? undefined : { ...retry, maxAttempts: value }, 'retry.maxAttempts');
    if (!retry) return;
    const { [field]: _old, ...rest } = retry;
    set('retry', value === undefined ? rest : { ...retry, [field]: value }, `retry.${field}`);
  };
  return (
    <section className="inspector-section" data-testid="execution-policy">
      <h3>Timeout and retries</h3>
      <FieldRow
        label="Timeout (ms)"
        htmlFor={`${node.id}-timeout`}
        help={
          defaultTimeoutMs ? `Default: ${defaultTimeoutMs} ms.` : 'No limit unless set (applies to asynchronous work).'
        }
      >
        <OptionalNumber
          id={`${node.id}-timeout`}
          testId="node-timeout"
          min={1}
          value={node.timeoutMs}
          placeholder={defaultTimeoutMs ? String(defaultTimeoutMs) : 'none'}
          onChange={(value) => set('timeoutMs', value, 'timeoutMs')}
        />
      </FieldRow>
      <FieldRow
        label="Attempts"
        htmlFor={`${node.id}-retry-attempts`}
        help="Attempts in total, the first included; empty: no retries."
      >
        <OptionalNumber
          id={`${node.id}-retry-attempts`}
          testId="node-retry-max-attempts"
          min={1}
          value={retry?.maxAttempts}
          placeholder="1"
          onChange={(value) => setRetry('maxAttempts', value)}
        />
      </FieldRow>
      {retry &&
        RETRY_FIELDS.map(({ field, label, help }) => (
          <FieldRow key={field} label={label} htmlFor={`${node.id}-retry-${field}`} help={help}>
            <OptionalNumber
              id={`${node.id}-retry-${field}`}
              testId={`node-retry-${field}`}
              min={field === 'factor' ? 1 : 0}
              value={retry[field]}
              onChange={(value) => setRetry(field, value)}
            />
          </FieldRow>
        ))}
    </section>
  );
}
