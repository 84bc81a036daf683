import { type ReactNode, useEffect, useId, useRef } from 'react';

/**
 * A modal panel over the editor: Escape closes it (unless `busy`, while a request it started is in flight), and
 * focus moves into it so the keyboard works at once. A click outside does not close it: it would lose what was typed.
 */
export function Dialog(props: {
  title: string;
  testId: string;
  busy?: boolean;
  wide?: boolean;
  onClose(): void;
  children: ReactNode;
  actions?: ReactNode;
}) {
  const { busy, onClose } = props;
  const titleId = useId();
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const focusable = panel.current?.querySelector<HTMLElement>('[autofocus], input, textarea, select, button');
    focusable?.focus();
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !busy) {
        event.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [busy, onClose]);

  return (
    <div className="dialog-backdrop">
      <div
        ref={panel}
        className={`dialog${props.wide ? ' wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={props.testId}
      >
        <h2 id={titleId}>{props.title}</h2>
        <div className="dialog-body">{props.children}</div>
        {props.actions && <div className="dialog-actions">{props.actions}</div>}
      </div>
    </div>
  );
}

/** "Discard unsaved changes?" before New, Open, Import or opening another version replaces the document. */
export function ConfirmDiscardDialog(props: { action: string; onConfirm(): void; onCancel(): void }) {
  return (
    <Dialog
      title="Discard unsaved changes?"
      testId="confirm-dialog"
      onClose={props.onCancel}
      actions={
        <>
          <button type="button" data-testid="confirm-cancel" onClick={props.onCancel}>
            Keep editing
          </button>
          <button type="button" className="danger" data-testid="confirm-discard" onClick={props.onConfirm}>
            Discard and {props.action}
          </button>
        </>
      }
    >
      <p>The flow has changes that are not saved. They will be lost.</p>
    </Dialog>
  );
}
