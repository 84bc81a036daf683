import { useState } from 'react';

export interface Draft {
  /** What the input shows. */
  text: string;
  /**
   * Shows `text`; `committed` is how the document will print the value this text was applied as (leave it out when the
   * text was not applied: invalid JSON, a taken name).
   */
  edit(text: string, committed?: string): void;
}

/**
 * The text of an input that edits a value of the document but does not print it as typed (numbers, JSON, names
 * applied only when valid). What was typed stays while it agrees with the document; when the document changes under
 * it (undo, another selection), the input shows the document's value again.
 */
export function useDraft(external: string): Draft {
  const [state, setState] = useState({ text: external, basis: external });
  let current = state;
  if (external !== state.basis) {
    // Derived state: React re-renders at once with the reset draft, without showing the stale one.
    current = { text: external, basis: external };
    setState(current);
  }
  return {
    text: current.text,
    edit(text, committed) {
      setState((previous) => ({ text, basis: committed ?? previous.basis }));
    },
  };
}
