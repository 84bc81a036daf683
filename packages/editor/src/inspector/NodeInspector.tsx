import { defaultRegistry } from '@groundwork/runtime/node-types';
import type { Flow, FlowNode } from '@groundwork/runtime/schema';
import { useState } from 'react';
import { analysisOf } from '../graph/analysis.js';
import { ConfigForm } from './ConfigForm.js';
import { ExecutionPolicy } from './ExecutionPolicy.js';
import { NodeIdentity } from './NodeIdentity.js';
import { NodeRunDetails } from './NodeRunDetails.js';
import { PromptEditor } from './PromptEditor.js';
import { configFields } from './schema-fields.js';
import { SHARED_TAB, VariantSwitcher, type VariantTab } from './VariantSwitcher.js';
import { defaultVariantOf } from './variants.js';

const PROMPT_FIELDS = ['template', 'messages'];

/** The tab to show: the one chosen for this node if it still exists (undo may remove it), else the default variant. */
function shownTab(node: FlowNode, choice: { nodeId: string; tab: VariantTab } | undefined): VariantTab | undefined {
  if (!node.variants?.length) return undefined;
  if (choice?.nodeId === node.id) {
    if (choice.tab === SHARED_TAB || node.variants.some((variant) => variant.name === choice.tab)) return choice.tab;
  }
  return defaultVariantOf(node)!;
}

/** Everything about one node: identity and problems, variants, config, the shown run's data, timeout and retries. */
export function NodeInspector({
  flow,
  node,
  onRenamed,
}: {
  flow: Flow;
  node: FlowNode;
  onRenamed?(from: string, to: string): void;
}) {
  // Which variant the form edits is a view choice, not part of the document; it belongs to the node it was made on.
  const [choice, setChoice] = useState<{ nodeId: string; tab: VariantTab }>();
  const nodeType = defaultRegistry().get(node.type);
  const problems = analysisOf(flow).problems.filter((problem) => problem.nodeId === node.id);
  const tab = shownTab(node, choice);
  const variant = tab ?? undefined;
  const fields = nodeType ? configFields(nodeType) : [];
  return (
    <div className="node-inspector" data-testid="node-inspector">
      <NodeIdentity
        flow={flow}
        node={node}
        nodeType={nodeType}
        problems={problems}
        onRenamed={(id) => {
          setChoice((current) => (current ? { ...current, nodeId: id } : current));
          onRenamed?.(node.id, id);
        }}
      />
      {nodeType && (
        <section className="inspector-section">
          <h3>Config</h3>
          {nodeType.supportsVariants && (
            <VariantSwitcher
              node={node}
              selected={tab === undefined ? SHARED_TAB : tab}
              onSelect={(next) => setChoice({ nodeId: node.id, tab: next })}
            />
          )}
          {node.type === 'prompt' &&
            (tab === SHARED_TAB ? (
              <p className="muted">The template is written in each variant.</p>
            ) : (
              <PromptEditor flow={flow} node={node} variant={variant} />
            ))}
          <ConfigForm
            flow={flow}
            node={node}
            fields={fields}
            variant={variant}
            omit={node.type === 'prompt' ? PROMPT_FIELDS : []}
          />
          {fields.length === 0 && <p className="muted">This node type has nothing to configure.</p>}
        </section>
      )}
      <NodeRunDetails nodeId={node.id} />
      <ExecutionPolicy node={node} defaultTimeoutMs={nodeType?.defaultTimeoutMs} />
    </div>
  );
}
