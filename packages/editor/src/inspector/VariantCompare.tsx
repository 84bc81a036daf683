import { diffVariants, type FieldChange } from '@groundwork/runtime/diff';
import type { FlowNode } from '@groundwork/runtime/schema';
import { useState } from 'react';
import { DiffOverlay } from '../diff/DiffOverlay.js';
import { FieldChangeList } from '../diff/FieldChangeList.js';
import { DiffSidesContext } from '../diff/sides.js';

/**
 * Two variants of a node compared in what they run with (the shared config with each one's overrides), computed
 * from the document on the canvas: unsaved edits count, and nothing is sent to the server.
 */
export function VariantCompare({ node, initial, onClose }: { node: FlowNode; initial?: string; onClose(): void }) {
  const names = (node.variants ?? []).map((variant) => variant.name);
  const [picked, setPicked] = useState(() => {
    const from = initial !== undefined && names.includes(initial) ? initial : names[0]!;
    return { from, to: names.find((name) => name !== from) ?? from };
  });
  // The pair shown: what was picked, while it still exists.
  const from = names.includes(picked.from) ? picked.from : names[0]!;
  const to = names.includes(picked.to) ? picked.to : (names.find((name) => name !== from) ?? from);
  const fields: FieldChange[] = from === to ? [] : diffVariants(node, from, to);

  return (
    <DiffOverlay
      testId="variant-compare-view"
      title={`Compare variants of ${node.id}`}
      subtitle={
        <>
          <VariantSelect
            label="From"
            testId="variant-compare-from"
            names={names}
            value={from}
            onChange={(name) => setPicked({ from: name, to })}
          />
          <button
            type="button"
            className="diff-swap"
            data-testid="variant-compare-swap"
            title="Swap the two sides"
            onClick={() => setPicked({ from: to, to: from })}
          >
            ⇄
          </button>
          <VariantSelect
            label="to"
            testId="variant-compare-to"
            names={names}
            value={to}
            onChange={(name) => setPicked({ from, to: name })}
          />
          <span>
            Each side is the shared config with the variant's overrides, as on the canvas (unsaved edits too).
          </span>
        </>
      }
      onClose={onClose}
    >
      {from === to ? (
        <p className="diff-state" data-testid="variant-compare-same">
          Pick two different variants to compare.
        </p>
      ) : fields.length === 0 ? (
        <div className="diff-empty" data-testid="diff-empty">
          <strong>No differences</strong>
          <p>
            {from} and {to} run with the same config.
          </p>
        </div>
      ) : (
        <DiffSidesContext.Provider value={{ before: from, after: to }}>
          <div className="diff-node" data-testid="variant-compare-fields">
            <FieldChangeList changes={fields} />
          </div>
        </DiffSidesContext.Provider>
      )}
    </DiffOverlay>
  );
}

function VariantSelect(props: {
  label: string;
  testId: string;
  names: readonly string[];
  value: string;
  onChange(name: string): void;
}) {
  return (
    <label className="diff-side-label">
      {props.label}
      <select data-testid={props.testId} value={props.value} onChange={(event) => props.onChange(event.target.value)}>
        {props.names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
