import type { AnyNodeType } from '@groundwork/runtime/node-types';
import { type DragEvent, type KeyboardEvent, useId, useState } from 'react';
import { NODE_TYPE_MIME } from './node-drag.js';
import { shortDescription } from './palette-groups.js';

/**
 * One node type: drag it onto the canvas, or click it (Enter or Space from the keyboard) to add it in the middle of
 * the view. The first sentence of its description shows, on two lines at most; the expand button shows it all.
 */
export function PaletteItem({ nodeType, onAdd }: { nodeType: AnyNodeType; onAdd(type: string): void }) {
  const [expanded, setExpanded] = useState(false);
  const descriptionId = useId();
  const short = shortDescription(nodeType.description);

  const onDragStart = (event: DragEvent) => {
    event.dataTransfer.setData(NODE_TYPE_MIME, nodeType.type);
    event.dataTransfer.effectAllowed = 'copy';
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    onAdd(nodeType.type);
  };

  return (
    <li className={`palette-entry category-${nodeType.category}`}>
      {/* biome-ignore lint/a11y/useSemanticElements: Firefox has long refused to start HTML5 drags from a <button>. */}
      <div
        role="button"
        tabIndex={0}
        draggable
        className={expanded ? 'palette-item expanded' : 'palette-item'}
        data-testid={`palette-${nodeType.type}`}
        title={`${nodeType.description}\n\nDrag onto the canvas, or click to add.`}
        aria-describedby={descriptionId}
        onDragStart={onDragStart}
        onClick={() => onAdd(nodeType.type)}
        onKeyDown={onKeyDown}
      >
        <span className="palette-item-title">
          {nodeType.title} <code className="palette-item-type">{nodeType.type}</code>
        </span>
        <span className="palette-item-description" id={descriptionId}>
          {expanded ? nodeType.description : short}
        </span>
      </div>
      {/* Always there: the collapsed text is also cut to two lines, so even a one-sentence description may be longer. */}
      <button
        type="button"
        className="palette-item-more"
        aria-expanded={expanded}
        aria-label={`${expanded ? 'Less' : 'More'} about ${nodeType.title}`}
        data-testid={`palette-more-${nodeType.type}`}
        onClick={() => setExpanded(!expanded)}
      >
        {expanded ? '▴' : '▾'}
      </button>
    </li>
  );
}
