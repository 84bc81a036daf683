import { flowNameSchema } from '@groundwork/runtime/schema';
import { useState } from 'react';
import { useEditor } from '../state/editor-store.js';

/** The flow's name; a click turns it into a field. Enter or leaving the field renames, Escape keeps the old name. */
export function FlowName() {
  const name = useEditor((state) => state.flow.name);
  const [draft, setDraft] = useState<string | undefined>();

  if (draft === undefined) {
    return (
      <button
        type="button"
        className="flow-name"
        data-testid="toolbar-flow-name"
        title="Rename the flow"
        onClick={() => setDraft(name)}
      >
        {name}
      </button>
    );
  }

  const parsed = flowNameSchema.safeParse(draft);
  const problem = parsed.success ? undefined : `The name ${parsed.error.issues[0]?.message ?? 'is not valid'}`;
  const commit = () => {
    // A name the schema refuses would make the document unsavable; the field says why and keeps the old one.
    if (!problem && draft !== name) useEditor.getState().change((flow) => ({ ...flow, name: draft }));
    setDraft(undefined);
  };

  return (
    <span className="flow-name-edit">
      <input
        data-testid="toolbar-flow-name"
        aria-label="Flow name"
        aria-invalid={problem !== undefined}
        // biome-ignore lint/a11y/noAutofocus: the field appears because the name was just clicked
        autoFocus
        value={draft}
        size={Math.max(8, draft.length + 1)}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          // The canvas listens for keys on the window; typing a name must not delete nodes or undo.
          event.stopPropagation();
          if (event.key === 'Enter' && !problem) commit();
          if (event.key === 'Escape') setDraft(undefined);
        }}
      />
      {problem && (
        <span className="flow-name-problem" role="alert">
          {problem}
        </span>
      )}
    </span>
  );
}
