import { useEditor } from '../state/editor-store.js';
import { useSaveUi } from '../toolbar/save-store.js';
import { VersionList } from './VersionList.js';
import './history.css';

/** The side panel's History tab: the saved flow's versions, or how to get some. */
export function HistoryPanel() {
  const saved = useEditor((state) => state.saved);
  if (!saved) {
    return (
      <div className="history-panel" data-testid="history-panel">
        <div className="empty-state history-empty" data-testid="history-unsaved">
          <p>
            <strong>Save the flow to start its history.</strong>
          </p>
          <p>
            Every save becomes a version: you can compare any two, see what each one changed, label one for production,
            and open or restore an older one.
          </p>
          <button type="button" data-testid="history-save" onClick={() => useSaveUi.getState().openDialog()}>
            Save…
          </button>
        </div>
      </div>
    );
  }
  // Another flow starts with a fresh selection and no messages about the previous one.
  return <VersionList key={saved.id} saved={saved} />;
}
