import type { SavedRef } from '../state/editor-store.js';
import { comparisonOf } from './selection.js';

/** The outcome of the last open or restore started from the history. */
export interface HistoryStatus {
  tone: 'ok' | 'error';
  text: string;
}

/**
 * What the history says about the document on the canvas: unsaved edits (with a way to review them), an older
 * version opened, and the outcome of the last restore or open.
 */
export function HistoryNotices(props: {
  saved: SavedRef;
  dirty: boolean;
  /** Known once the list is loaded. */
  latestVersion: number | undefined;
  status: HistoryStatus | undefined;
  onDismiss(): void;
  onReviewUnsaved(): void;
}) {
  const { saved, latestVersion, status } = props;
  return (
    <>
      {status && (
        <div
          className={`banner history-status ${status.tone}`}
          role={status.tone === 'error' ? 'alert' : 'status'}
          data-testid="history-status"
        >
          <span>{status.text}</span>
          <button type="button" className="history-dismiss" aria-label="Dismiss" onClick={props.onDismiss}>
            ×
          </button>
        </div>
      )}
      {props.dirty && (
        <div className="history-notice" data-testid="history-unsaved-changes">
          The canvas has unsaved changes on top of v{saved.version}.{' '}
          <button type="button" className="link" data-testid="history-review-unsaved" onClick={props.onReviewUnsaved}>
            Review them
          </button>
        </div>
      )}
      {latestVersion !== undefined && saved.version < latestVersion && (
        <div className="history-notice" data-testid="history-old-version">
          The canvas shows v{saved.version}; the latest is v{latestVersion}. Edits to it cannot be saved on top of v
          {latestVersion}: Restore v{saved.version} to make it the latest again, or save it as a copy.
        </div>
      )}
    </>
  );
}

/** Compare the two selected versions, older → newer. */
export function CompareBar(props: {
  selected: readonly number[];
  onCompare(comparison: { from: number; to: number }): void;
  onClear(): void;
}) {
  const comparison = comparisonOf(props.selected);
  return (
    <div className="history-compare-bar">
      <button
        type="button"
        className="primary"
        data-testid="history-compare"
        disabled={!comparison}
        onClick={() => comparison && props.onCompare(comparison)}
      >
        {comparison ? `Compare v${comparison.from} → v${comparison.to}` : 'Compare'}
      </button>
      <span className="history-compare-hint">
        {props.selected.length === 0 && 'Tick two versions to compare them.'}
        {props.selected.length === 1 && `v${props.selected[0]} selected; tick one more.`}
        {props.selected.length === 2 && (
          <button type="button" className="link" data-testid="history-clear-selection" onClick={props.onClear}>
            Clear selection
          </button>
        )}
      </span>
    </div>
  );
}
