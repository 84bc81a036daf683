import type { FlowNode } from '@groundwork/runtime/schema';
import { useState } from 'react';

/** The rename field takes the focus as it appears: the button that opened it is gone. */
const focusOnMount = (input: HTMLInputElement | null) => input?.focus();

import { useEditor } from '../state/editor-store.js';
import { VariantCompare } from './VariantCompare.js';
import {
  addVariant,
  defaultVariantOf,
  deleteVariant,
  disableVariants,
  enableVariants,
  FIRST_VARIANT,
  renameVariant,
  setDefaultVariant,
  variantFieldsOf,
  variantNameProblem,
} from './variants.js';

/** The tab of the shared config (`node.config`), beside one tab per variant. */
export const SHARED_TAB = null;
export type VariantTab = string | typeof SHARED_TAB;

export interface VariantSwitcherProps {
  node: FlowNode;
  /** The tab shown: a variant's name, or the shared config. */
  selected: VariantTab;
  onSelect(tab: VariantTab): void;
}

/** The variants of a prompt or llm node: tabs to pick the one the form edits, and add, rename, delete, set default. */
export function VariantSwitcher({ node, selected, onSelect }: VariantSwitcherProps) {
  const updateNode = useEditor((state) => state.updateNode);
  const [comparing, setComparing] = useState(false);
  const variants = node.variants ?? [];
  const fallback = defaultVariantOf(node);
  if (variants.length === 0) {
    return (
      <div className="variant-switcher" data-testid="variant-switcher">
        <p className="muted">
          Variants compare {node.type === 'prompt' ? 'wordings of this prompt' : 'models and generation parameters'} in
          runs and evaluations.
        </p>
        <button
          type="button"
          data-testid="variants-enable"
          onClick={() => {
            updateNode(node.id, enableVariants);
            onSelect(FIRST_VARIANT);
          }}
        >
          Add variants
        </button>
      </div>
    );
  }
  const current = selected === SHARED_TAB ? undefined : selected;
  return (
    <div className="variant-switcher" data-testid="variant-switcher">
      <div className="variant-tabs" role="tablist" aria-label="variants">
        {variants.map((variant) => (
          <button
            key={variant.name}
            type="button"
            role="tab"
            aria-selected={variant.name === selected}
            data-testid={`variant-${variant.name}`}
            onClick={() => onSelect(variant.name)}
          >
            {variant.name}
            {variant.name === fallback && (
              <span
                className="variant-default"
                title="The variant a run uses unless told otherwise"
                data-testid="variant-default-mark"
              >
                default
              </span>
            )}
          </button>
        ))}
        <button
          type="button"
          role="tab"
          aria-selected={selected === SHARED_TAB}
          data-testid="variants-shared"
          title="The config every variant starts from"
          onClick={() => onSelect(SHARED_TAB)}
        >
          shared
        </button>
      </div>
      {current === undefined ? (
        <p className="muted">
          Shared by every variant; a variant's own {variantFieldsOf(node.type).slice(0, 3).join(', ')}… override it.
        </p>
      ) : (
        <VariantActions key={current} node={node} name={current} isDefault={current === fallback} onSelect={onSelect} />
      )}
      {variants.length >= 2 && (
        <button
          type="button"
          className="variant-compare"
          data-testid="variant-compare"
          title="See how two variants differ, field by field and word by word"
          onClick={() => setComparing(true)}
        >
          Compare variants…
        </button>
      )}
      {comparing && variants.length >= 2 && (
        <VariantCompare node={node} initial={current ?? fallback} onClose={() => setComparing(false)} />
      )}
    </div>
  );
}

function VariantActions({
  node,
  name,
  isDefault,
  onSelect,
}: {
  node: FlowNode;
  name: string;
  isDefault: boolean;
  onSelect(tab: VariantTab): void;
}) {
  const updateNode = useEditor((state) => state.updateNode);
  const [renaming, setRenaming] = useState<string | undefined>(undefined);
  const only = (node.variants ?? []).length === 1;
  const problem = renaming === undefined ? undefined : variantNameProblem(node, name, renaming);
  const commitRename = () => {
    if (renaming === undefined || problem) return;
    if (renaming !== name) updateNode(node.id, (current) => renameVariant(current, name, renaming));
    setRenaming(undefined);
    onSelect(renaming);
  };
  if (renaming !== undefined) {
    return (
      <div className="variant-actions">
        <input
          type="text"
          aria-label="variant name"
          data-testid="variant-name-input"
          ref={focusOnMount}
          value={renaming}
          onChange={(event) => setRenaming(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') commitRename();
            if (event.key === 'Escape') setRenaming(undefined);
          }}
        />
        <button
          type="button"
          className="primary"
          data-testid="variant-rename-save"
          disabled={problem !== undefined}
          onClick={commitRename}
        >
          Rename
        </button>
        <button type="button" onClick={() => setRenaming(undefined)}>
          Cancel
        </button>
        {problem && (
          <div className="field-error" role="alert" data-testid="variant-name-error">
            {problem}
          </div>
        )}
      </div>
    );
  }
  return (
    <div className="variant-actions">
      <button
        type="button"
        data-testid="variant-add"
        title={`A new variant copying ${name}`}
        onClick={() => {
          let added = '';
          updateNode(node.id, (current) => {
            const result = addVariant(current, name);
            added = result.name;
            return result.node;
          });
          onSelect(added);
        }}
      >
        Add
      </button>
      <button type="button" data-testid="variant-rename" onClick={() => setRenaming(name)}>
        Rename
      </button>
      <button
        type="button"
        data-testid="variant-set-default"
        disabled={isDefault}
        onClick={() => updateNode(node.id, (current) => setDefaultVariant(current, name))}
      >
        Set default
      </button>
      <button
        type="button"
        className="danger"
        data-testid="variant-delete"
        disabled={only}
        title={only ? 'A node with variants keeps at least one' : undefined}
        onClick={() => {
          updateNode(node.id, (current) => deleteVariant(current, name));
          onSelect(defaultVariantOf(deleteVariant(node, name)) ?? SHARED_TAB);
        }}
      >
        Delete
      </button>
      {only && (
        <button
          type="button"
          data-testid="variants-disable"
          title="Fold this variant back into the node's config"
          onClick={() => {
            updateNode(node.id, disableVariants);
            onSelect(SHARED_TAB);
          }}
        >
          Remove variants
        </button>
      )}
    </div>
  );
}
