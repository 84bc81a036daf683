// @vitest-environment jsdom
import { renderHook } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { emptyFlow, useEditor } from '../state/editor-store.js';
import { useLeaveGuard } from './use-leave-guard.js';

/** Whether the browser would ask before leaving: a beforeunload the page cancels. */
function leavingIsQuestioned(): boolean {
  const event = new Event('beforeunload', { cancelable: true });
  window.dispatchEvent(event);
  return event.defaultPrevented;
}

describe('useLeaveGuard', () => {
  beforeEach(() => useEditor.getState().load(emptyFlow()));

  it('asks before leaving only while there are unsaved changes, and stops when unmounted', () => {
    const { unmount } = renderHook(() => useLeaveGuard());
    expect(leavingIsQuestioned()).toBe(false);

    useEditor.getState().addNode('input', { x: 0, y: 0 });
    expect(leavingIsQuestioned()).toBe(true);

    const { flow } = useEditor.getState();
    useEditor.getState().markSaved({ id: 'flw_1', version: 1, flow });
    expect(leavingIsQuestioned()).toBe(false);

    useEditor.getState().addNode('output', { x: 300, y: 0 });
    unmount();
    expect(leavingIsQuestioned()).toBe(false);
  });
});
