import { useEffect } from 'react';
import { isDirty, useEditor } from '../state/editor-store.js';

/** Asks the browser to confirm before the page is closed or reloaded while the document has unsaved changes. */
export function useLeaveGuard(): void {
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (isDirty(useEditor.getState())) event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);
}
