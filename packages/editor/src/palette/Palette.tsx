import { defaultRegistry } from '@groundwork/runtime/node-types';
import { useStoreApi } from '@xyflow/react';
import { type KeyboardEvent, useMemo, useState } from 'react';
import { useEditor } from '../state/editor-store.js';
import { PaletteItem } from './PaletteItem.js';
import { paletteGroups } from './palette-groups.js';
import { placeNear, viewportCentre } from './place-node.js';
import './categories.css';
import './palette.css';

/**
 * Every node type the runtime knows, by category, to drag onto the canvas or add from the keyboard. Reads the
 * viewport from React Flow's store (the palette sits inside the same ReactFlowProvider as the canvas).
 */
export function Palette() {
  const [filter, setFilter] = useState('');
  const flowStore = useStoreApi();
  const types = useMemo(() => defaultRegistry().list(), []);
  const groups = useMemo(() => paletteGroups(types, filter), [types, filter]);

  const addAtCentre = (type: string) => {
    const editor = useEditor.getState();
    editor.addNode(type, placeNear(editor.flow, viewportCentre(flowStore.getState())));
  };

  // Enter in the filter adds the first match: type "llm", Enter, and the node is there.
  const onFilterKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Enter') return;
    const first = groups[0]?.types[0];
    if (first) addAtCentre(first.type);
  };

  return (
    <nav className="palette" data-testid="palette" aria-label="Node types">
      <div className="palette-search">
        <input
          type="search"
          placeholder="Filter nodes"
          aria-label="Filter node types"
          data-testid="palette-filter"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          onKeyDown={onFilterKeyDown}
        />
      </div>
      {groups.map((group) => (
        <section key={group.category} className="palette-group" data-testid={`palette-group-${group.category}`}>
          <h3 className="palette-group-title">{group.title}</h3>
          <ul className="palette-list">
            {group.types.map((nodeType) => (
              <PaletteItem key={nodeType.type} nodeType={nodeType} onAdd={addAtCentre} />
            ))}
          </ul>
        </section>
      ))}
      {groups.length === 0 && <p className="palette-none">No node type matches “{filter}”.</p>}
      <p className="palette-hint">Drag a node onto the canvas, or click it to add it in the middle of the view.</p>
    </nav>
  );
}
