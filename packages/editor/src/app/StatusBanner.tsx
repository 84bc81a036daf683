import type { ReactNode } from 'react';

/**
 * An app-level notice (the server is down, ...), rendered inside the toolbar and floating under it over the canvas
 * instead of taking a grid row, so the layout does not jump when it comes and goes.
 */
export function StatusBanner(props: { tone?: 'error' | 'warn'; testId?: string; children: ReactNode }) {
  return (
    <div className={`banner app-banner ${props.tone ?? 'error'}`} role="alert" data-testid={props.testId}>
      {props.children}
    </div>
  );
}
