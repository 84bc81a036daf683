import { useEffect, useRef, useState } from 'react';
import { api, type FlowSummary } from '../api/client.js';
import { MainNav } from '../app/MainNav.js';
import { StatusBanner } from '../app/StatusBanner.js';
import { emptyFlow, isDirty, useEditor } from '../state/editor-store.js';
import { ConfirmDiscardDialog, Dialog } from './Dialog.js';
import { FlowName } from './FlowName.js';
import { downloadText, flowFile, readFlowFile } from './flow-file.js';
import { OpenDialog } from './OpenDialog.js';
import { replaceDocument } from './replace-document.js';
import { SaveDialog } from './SaveDialog.js';
import { savedRefOf } from './save-flow.js';
import { useSaveUi } from './save-store.js';
import { useServerStatus } from './use-server-status.js';
import './toolbar.css';

type Overlay =
  | { kind: 'open' }
  | { kind: 'confirm'; action: string; proceed(): void }
  | { kind: 'import-problems'; fileName: string; problems: string[] };

/** How long "Saved v4" stays; a report of problems stays longer, as it asks for attention. */
const STATUS_MS = { ok: 4000, warn: 8000 };

/** The document's name and state, and everything done to it as a whole: new, open, save, import, export, run. */
export function Toolbar(props: { onRun(): void }) {
  const flow = useEditor((state) => state.flow);
  const saved = useEditor((state) => state.saved);
  const dirty = useEditor(isDirty);
  const canUndo = useEditor((state) => state.past.length > 0);
  const canRedo = useEditor((state) => state.future.length > 0);
  const saveOpen = useSaveUi((state) => state.dialogOpen);
  const status = useSaveUi((state) => state.status);
  const server = useServerStatus();
  const [overlay, setOverlay] = useState<Overlay | undefined>();
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!status) return;
    const timer = setTimeout(() => useSaveUi.getState().announce(undefined), STATUS_MS[status.tone]);
    return () => clearTimeout(timer);
  }, [status]);

  useEffect(() => {
    // Only Ctrl/Cmd+S is the toolbar's; the canvas owns every other shortcut.
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 's') {
        event.preventDefault();
        useSaveUi.getState().openDialog();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  /** Runs `proceed` at once, or after the user agrees to lose unsaved changes. */
  const guard = (action: string, proceed: () => void) => {
    if (!isDirty(useEditor.getState())) proceed();
    else
      setOverlay({
        kind: 'confirm',
        action,
        proceed: () => {
          setOverlay(undefined);
          proceed();
        },
      });
  };

  const openFlow = async (summary: FlowSummary) => {
    const result = await api.getFlow(summary.id);
    replaceDocument(result.version.flow, savedRefOf(result));
    setOverlay(undefined);
  };

  const importFile = async (file: File) => {
    const result = await readFlowFile(file);
    if (result.ok) replaceDocument(result.flow);
    else setOverlay({ kind: 'import-problems', fileName: result.fileName, problems: result.problems });
  };

  return (
    <header className="toolbar">
      <span className="app-name">Groundwork</span>
      <MainNav current="editor" />
      <span className="doc">
        <FlowName />
        {dirty && (
          <span
            className="dirty-dot"
            data-testid="dirty"
            title="Unsaved changes"
            role="img"
            aria-label="Unsaved changes"
          />
        )}
        <span
          className="doc-version"
          data-testid="toolbar-version"
          title={saved ? `Saved as version ${saved.version}` : 'Never saved'}
        >
          {saved ? `v${saved.version}` : 'not saved'}
        </span>
        {status && (
          <span
            className={`save-status ${status.tone}`}
            data-testid="save-status"
            title={status.detail || undefined}
            role="status"
          >
            {status.text}
          </span>
        )}
      </span>
      <nav className="toolbar-actions" aria-label="Flow">
        <button
          type="button"
          data-testid="new"
          onClick={() => guard('start a new flow', () => replaceDocument(emptyFlow()))}
        >
          New
        </button>
        <button
          type="button"
          data-testid="open"
          onClick={() => guard('open another flow', () => setOverlay({ kind: 'open' }))}
        >
          Open
        </button>
        <button
          type="button"
          data-testid="save"
          title="Save (Ctrl+S)"
          onClick={() => useSaveUi.getState().openDialog()}
        >
          Save
        </button>
        <span className="separator" />
        <button
          type="button"
          data-testid="import"
          title="Open a .flow.yaml file"
          onClick={() => guard('import a file', () => fileInput.current?.click())}
        >
          Import
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".yaml,.yml"
          hidden
          data-testid="import-file"
          onChange={(event) => {
            const file = event.target.files?.[0];
            // Cleared so that choosing the same file again (after fixing it) fires change again.
            event.target.value = '';
            if (file) void importFile(file);
          }}
        />
        <button
          type="button"
          data-testid="export"
          title="Download as .flow.yaml (unsaved changes included)"
          onClick={() => {
            const file = flowFile(flow);
            downloadText(file.fileName, file.text);
          }}
        >
          Export
        </button>
        <span className="separator" />
        <button
          type="button"
          data-testid="undo"
          title="Undo"
          disabled={!canUndo}
          onClick={() => useEditor.getState().undo()}
        >
          Undo
        </button>
        <button
          type="button"
          data-testid="redo"
          title="Redo"
          disabled={!canRedo}
          onClick={() => useEditor.getState().redo()}
        >
          Redo
        </button>
        <span className="separator" />
        <button type="button" className="primary" data-testid="run" onClick={props.onRun}>
          Run
        </button>
      </nav>

      {server === 'down' && (
        <StatusBanner testId="server-down">
          <strong>The Groundwork server is not running.</strong> Nothing can be saved, opened or run until it is. Start
          it with <code>npm start</code> in the project folder (it listens on port 4100); this page reconnects by
          itself.
        </StatusBanner>
      )}
      {saveOpen && <SaveDialog />}
      {overlay?.kind === 'open' && <OpenDialog onOpen={openFlow} onClose={() => setOverlay(undefined)} />}
      {overlay?.kind === 'confirm' && (
        <ConfirmDiscardDialog
          action={overlay.action}
          onConfirm={overlay.proceed}
          onCancel={() => setOverlay(undefined)}
        />
      )}
      {overlay?.kind === 'import-problems' && (
        <Dialog
          title={`${overlay.fileName} is not a flow Groundwork can open`}
          testId="import-problems"
          onClose={() => setOverlay(undefined)}
          actions={
            <button type="button" onClick={() => setOverlay(undefined)}>
              Close
            </button>
          }
        >
          <ul className="import-problem-list">
            {[...new Set(overlay.problems)].map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
          <p className="muted">Nothing was changed. Fix the file and import it again.</p>
        </Dialog>
      )}
    </header>
  );
}
