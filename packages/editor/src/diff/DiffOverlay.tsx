import { type ReactNode, useEffect, useId, useRef } from 'react';
import { createPortal } from 'react-dom';
import './diff.css';

/**
 * A large panel over the editor for reading a comparison: a title (`v2 → v5`), what the two sides are, optional
 * controls, and the diff. Escape or the close button closes it, and focus goes back where it was. It is
 * rendered into the page body so the styles of the panel that opened it (the narrow inspector) do not apply.
 */
export function DiffOverlay(props: {
  testId: string;
  title: ReactNode;
  /** The two sides: versions with notes and times, or variant pickers. */
  subtitle?: ReactNode;
  /** loading | ready | error, for tests and assistive technology to tell when the diff is there. */
  state?: 'loading' | 'ready' | 'error';
  onClose(): void;
  children: ReactNode;
}) {
  const { onClose } = props;
  const titleId = useId();
  const closeButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    closeButton.current?.focus();
    return () => opener?.focus();
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      onClose();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);

  return createPortal(
    <div className="diff-backdrop">
      <div
        className="diff-overlay"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-busy={props.state === 'loading'}
        data-testid={props.testId}
        data-state={props.state ?? 'ready'}
      >
        <header className="diff-overlay-head">
          <div className="diff-overlay-titles">
            <h2 id={titleId} data-testid="diff-title">
              {props.title}
            </h2>
            {props.subtitle && <div className="diff-overlay-subtitle">{props.subtitle}</div>}
          </div>
          <button
            ref={closeButton}
            type="button"
            className="diff-close"
            data-testid="diff-close"
            title="Close (Esc)"
            onClick={onClose}
          >
            Close
          </button>
        </header>
        <div className="diff-overlay-body">{props.children}</div>
      </div>
    </div>,
    document.body,
  );
}
