import { useEditor } from '../state/editor-store.js';
import { DeclarationEditor } from './DeclarationEditor.js';
import { addDeclaration, type InterfaceSide } from './flow-edits.js';

const TEXT: Record<InterfaceSide, { title: string; help: string; add: string }> = {
  inputs: {
    title: 'Inputs',
    help: 'What a run is given (HTTP body, CLI flags); input nodes bring them into the graph.',
    add: 'Add input',
  },
  outputs: { title: 'Outputs', help: 'What a run returns; output nodes set them.', add: 'Add output' },
};

/** The flow's declared inputs or outputs, each editable, and a button to declare another. */
export function FlowInterfaceList({ side }: { side: InterfaceSide }) {
  const flow = useEditor((state) => state.flow);
  const change = useEditor((state) => state.change);
  const entries = Object.entries(flow[side] ?? {});
  const prefix = side === 'inputs' ? 'flow-input' : 'flow-output';
  return (
    <section className="inspector-section" data-testid={`flow-${side}`}>
      <h3>
        {TEXT[side].title} <span className="count">{entries.length}</span>
      </h3>
      <p className="muted">{TEXT[side].help}</p>
      {entries.map(([name, declaration], index) => (
        <DeclarationEditor
          // biome-ignore lint/suspicious/noArrayIndexKey: the name changes while it is typed; the input keeps its focus.
          key={index}
          flow={flow}
          side={side}
          name={name}
          declaration={declaration}
          testId={`${prefix}-${index}`}
        />
      ))}
      <button
        type="button"
        data-testid={`${prefix}-add`}
        onClick={() => change((current) => addDeclaration(current, side).flow)}
      >
        {TEXT[side].add}
      </button>
    </section>
  );
}
