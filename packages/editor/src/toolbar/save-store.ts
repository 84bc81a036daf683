import { create } from 'zustand';

export interface SaveStatus {
  text: string;
  /** Problems the server found in the saved document, one per line (shown on hover). */
  detail: string;
  tone: 'ok' | 'warn';
}

/**
 * The save dialog and the toolbar's "Saved v4" note, shared so that the run panel (which saves before running,
 * and offers Save when the flow was never saved) uses the same dialog and reports the same way.
 */
interface SaveUiState {
  dialogOpen: boolean;
  status: SaveStatus | undefined;
  openDialog(): void;
  closeDialog(): void;
  announce(status: SaveStatus | undefined): void;
}

export const useSaveUi = create<SaveUiState>()((set) => ({
  dialogOpen: false,
  status: undefined,
  openDialog: () => set({ dialogOpen: true }),
  closeDialog: () => set({ dialogOpen: false }),
  announce: (status) => set({ status }),
}));
