import { flowNameSchema } from '@groundwork/runtime/schema';
import { useEditor } from '../state/editor-store.js';
import { FieldRow } from './FieldRow.js';
import { FlowInterfaceList } from './FlowInterfaceList.js';
import { FlowProblems } from './FlowProblems.js';

/** What the inspector shows with nothing selected: the flow's name, description, interface and problems. */
export function FlowSettings() {
  const flow = useEditor((state) => state.flow);
  const change = useEditor((state) => state.change);
  const nameCheck = flowNameSchema.safeParse(flow.name);
  return (
    <div className="flow-settings" data-testid="flow-settings">
      <section className="inspector-section">
        <header className="inspector-header">
          <h2>Flow</h2>
        </header>
        <FieldRow
          label="Name"
          htmlFor="flow-name"
          required
          help="Published flows are served under this name."
          errorTestId="flow-name-error"
          {...(nameCheck.success ? {} : { error: nameCheck.error.issues[0]?.message ?? 'not a valid name' })}
        >
          {/* Applied as typed, even when not yet valid, so nothing typed is lost; the error says what to fix. */}
          <input
            id="flow-name"
            data-testid="flow-name"
            type="text"
            value={flow.name}
            onChange={(event) => change((current) => ({ ...current, name: event.target.value }), 'flow:name')}
          />
        </FieldRow>
        <FieldRow label="Description" htmlFor="flow-description">
          <textarea
            id="flow-description"
            data-testid="flow-description"
            className="prose"
            rows={3}
            value={flow.description ?? ''}
            onChange={(event) => {
              const text = event.target.value;
              change(
                ({ description: _old, ...rest }) => (text === '' ? rest : { ...rest, description: text }),
                'flow:description',
              );
            }}
          />
        </FieldRow>
      </section>
      <FlowInterfaceList side="inputs" />
      <FlowInterfaceList side="outputs" />
      <FlowProblems />
    </div>
  );
}
