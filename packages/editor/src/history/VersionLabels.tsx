import { useId, useState } from 'react';

/** Label names as the server accepts them (packages/server flows.schemas.ts): they appear in URLs. */
const LABEL_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
const LABEL_MAX = 64;
/** The label the published endpoint serves; others are the team's own. */
export const PUBLISHED_LABEL = 'production';
const SUGGESTED = [PUBLISHED_LABEL, 'staging'];

/**
 * A version's labels as chips (× removes one), and a small form to point a label at this version, moving it here
 * when another version has it.
 */
export function VersionLabels(props: {
  version: number;
  labels: readonly string[];
  /** Every label of the flow, and the version it points at. */
  labelled: Readonly<Record<string, number>>;
  disabled: boolean;
  onSet(label: string): Promise<void>;
  onRemove(label: string): Promise<void>;
}) {
  const { version } = props;
  const [name, setName] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const listId = useId();
  const trimmed = name?.trim() ?? '';
  const problem = name === undefined || trimmed === '' ? undefined : labelProblem(trimmed, version, props.labelled);
  const elsewhere = props.labelled[trimmed];

  const act = async (action: () => Promise<void>, after?: () => void) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      after?.();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const submit = () => {
    if (trimmed === '' || problem) return;
    void act(
      () => props.onSet(trimmed),
      () => setName(undefined),
    );
  };

  return (
    <div className="version-labels">
      {props.labels.map((label) => (
        <span key={label} className="label-chip" data-testid={`history-chip-${version}-${label}`}>
          {label}
          <button
            type="button"
            data-testid={`history-label-remove-${version}-${label}`}
            aria-label={`Remove label ${label}`}
            title={
              label === PUBLISHED_LABEL
                ? 'Remove the label: the published endpoint then serves the latest version'
                : `Remove the label ${label}`
            }
            disabled={props.disabled || busy}
            onClick={() => void act(() => props.onRemove(label))}
          >
            ×
          </button>
        </span>
      ))}
      {name === undefined ? (
        <button
          type="button"
          className="label-add"
          data-testid={`history-label-${version}`}
          disabled={props.disabled || busy}
          title="Point a label (production, staging…) at this version"
          onClick={() => {
            setName('');
            setError(undefined);
          }}
        >
          + Label
        </button>
      ) : (
        <form
          className="label-form"
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <input
            type="text"
            ref={(input) => input?.focus()}
            list={listId}
            value={name}
            placeholder="production"
            aria-label={`Label for v${version}`}
            aria-invalid={problem !== undefined}
            data-testid={`history-label-name-${version}`}
            disabled={busy}
            onChange={(event) => setName(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') setName(undefined);
            }}
          />
          <datalist id={listId}>
            {SUGGESTED.map((label) => (
              <option key={label} value={label} />
            ))}
          </datalist>
          <button
            type="submit"
            className="primary"
            data-testid={`history-label-set-${version}`}
            disabled={busy || trimmed === '' || problem !== undefined}
          >
            {busy ? 'Setting…' : 'Set'}
          </button>
          <button type="button" onClick={() => setName(undefined)} disabled={busy}>
            Cancel
          </button>
          {problem && <div className="field-error">{problem}</div>}
          {!problem && elsewhere !== undefined && elsewhere !== version && (
            <div className="label-hint">
              Moves {trimmed} from v{elsewhere} to v{version}.
            </div>
          )}
          {!problem && trimmed === PUBLISHED_LABEL && (
            <div className="label-hint">The published endpoint serves the version labelled {PUBLISHED_LABEL}.</div>
          )}
        </form>
      )}
      {error && (
        <div className="field-error" role="alert" data-testid={`history-label-error-${version}`}>
          {error}
        </div>
      )}
    </div>
  );
}

function labelProblem(label: string, version: number, labelled: Readonly<Record<string, number>>): string | undefined {
  if (label.length > LABEL_MAX) return `at most ${LABEL_MAX} characters`;
  if (!LABEL_PATTERN.test(label))
    return 'lower-case letters, digits, _ and -, starting with a letter or digit (e.g. production, staging)';
  if (labelled[label] === version) return `v${version} already has this label`;
  return undefined;
}
