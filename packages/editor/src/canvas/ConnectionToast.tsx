import { useEffect } from 'react';
import { useConnectionRefusal } from './connection-handlers.js';

/** How long a refusal stays: long enough to read a sentence naming two ports and two types. */
export const TOAST_MS = 5000;

/** Why the last connection was refused; goes away by itself, or on click. */
export function ConnectionToast() {
  const reason = useConnectionRefusal((state) => state.reason);
  const seq = useConnectionRefusal((state) => state.seq);
  const dismiss = useConnectionRefusal((state) => state.dismiss);

  // seq is a dependency so that a repeated refusal keeps the toast up for the full time again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: seq only restarts the timer.
  useEffect(() => {
    if (!reason) return;
    const timer = setTimeout(dismiss, TOAST_MS);
    return () => clearTimeout(timer);
  }, [reason, seq, dismiss]);

  if (!reason) return null;
  return (
    <div className="canvas-toast" role="alert" data-testid="connection-refused">
      <span className="canvas-toast-message">
        <strong>Not connected:</strong> {reason}
      </span>
      <button type="button" className="canvas-toast-close" aria-label="Dismiss" onClick={dismiss}>
        ×
      </button>
    </div>
  );
}
