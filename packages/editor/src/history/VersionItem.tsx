import type { PublishedVersion, VersionEntry } from '../api/client.js';
import { formatTimestamp, formatWhen } from '../runs/format.js';
import { VersionChanges } from './VersionChanges.js';
import { VersionLabels } from './VersionLabels.js';

export interface VersionItemProps {
  entry: VersionEntry;
  flowName: string;
  published: PublishedVersion;
  latestVersion: number;
  /** Every label of the flow and its version (to say when setting one moves it). */
  labelled: Readonly<Record<string, number>>;
  /** The version the canvas shows, and whether it has unsaved edits on top. */
  openVersion: number;
  dirty: boolean;
  selected: boolean;
  /** A request started from the history is in flight: actions wait. */
  busy: boolean;
  onToggleSelect(): void;
  onComparePrevious(): void;
  onOpen(): void;
  onRestore(): void;
  onSetLabel(label: string): Promise<void>;
  onRemoveLabel(label: string): Promise<void>;
}

/** One version in the history: number, time, note, labels, what changed, and what can be done with it. */
export function VersionItem(props: VersionItemProps) {
  const { entry, published } = props;
  const n = entry.version;
  const isLatest = n === props.latestVersion;
  const isOpen = n === props.openVersion;
  const isPublished = n === published.version;
  return (
    <li
      className={`version-item${props.selected ? ' selected' : ''}${isOpen ? ' open' : ''}`}
      data-testid={`history-version-${n}`}
      aria-current={isOpen ? 'true' : undefined}
    >
      <div className="version-head">
        <label className="version-select" title="Select for comparison (two at a time)">
          <input
            type="checkbox"
            checked={props.selected}
            data-testid={`history-select-${n}`}
            aria-label={`Select v${n} for comparison`}
            onChange={props.onToggleSelect}
          />
          <span className="version-number">v{n}</span>
        </label>
        <span className="version-time" title={formatTimestamp(entry.createdAt)}>
          {formatWhen(entry.createdAt)}
        </span>
        {isLatest && <span className="version-tag">latest</span>}
        {isOpen && (
          <span className="version-tag open" title="The version the canvas shows">
            {props.dirty ? 'open, edited' : 'open'}
          </span>
        )}
      </div>
      {isPublished && (
        <div
          className="version-published"
          data-testid={`history-published-${n}`}
          title="What the published endpoint runs: the version labelled production, else the latest version"
        >
          <span className="published-badge">published</span>
          <span>
            serves <code>/api/v1/flows/{props.flowName}/run</code> ({published.label ?? 'latest'})
          </span>
        </div>
      )}
      <p className={entry.note ? 'version-note' : 'version-note none'}>{entry.note ?? 'No note'}</p>
      <VersionLabels
        version={n}
        labels={entry.labels}
        labelled={props.labelled}
        disabled={props.busy}
        onSet={props.onSetLabel}
        onRemove={props.onRemoveLabel}
      />
      <VersionChanges version={n} changes={entry.changes} />
      <div className="version-actions">
        <button
          type="button"
          data-testid={`history-compare-previous-${n}`}
          disabled={n === 1}
          title={n === 1 ? 'The first version has nothing before it' : `What changed from v${n - 1} to v${n}`}
          onClick={props.onComparePrevious}
        >
          Compare with previous
        </button>
        <button
          type="button"
          data-testid={`history-open-${n}`}
          disabled={props.busy || (isOpen && !props.dirty)}
          title={
            isOpen && !props.dirty
              ? 'The canvas shows this version'
              : isLatest
                ? `Open v${n} on the canvas`
                : `Open v${n} on the canvas to read or copy it; Restore makes it the latest again`
          }
          onClick={props.onOpen}
        >
          Open
        </button>
        <button
          type="button"
          data-testid={`history-restore-${n}`}
          disabled={props.busy || isLatest}
          title={isLatest ? 'This is the latest version' : `Save v${n}'s content as a new latest version`}
          onClick={props.onRestore}
        >
          Restore
        </button>
      </div>
    </li>
  );
}
