import type { Flow, FlowNode } from '@groundwork/runtime/schema';
import { useEditor } from '../state/editor-store.js';
import { ConfigFieldInput } from './ConfigFieldInput.js';
import { FieldRow } from './FieldRow.js';
import { type ConfigField, initialValue, rangeText } from './schema-fields.js';
import { ownConfig, withConfigField } from './variants.js';

/**
 * Typing in one field undoes as one step; the variant is part of the key so that edits of the same field in two
 * variants stay two steps.
 */
export function configMergeKey(nodeId: string, field: string, variant: string | undefined): string {
  return variant === undefined ? `config:${nodeId}:${field}` : `config:${nodeId}:${field}:${variant}`;
}

/** What a field of `node`'s config shows and edits, for the shared config (variant undefined) or one variant. */
export function useConfigField(node: FlowNode, variant: string | undefined, field: string, initial: () => unknown) {
  const updateNode = useEditor((state) => state.updateNode);
  const own = ownConfig(node, variant);
  const overridden = variant === undefined || Object.hasOwn(own, field);
  const value = overridden ? own[field] : node.config?.[field];
  /** `part` narrows the merge key to a part of the field (one message of a prompt's messages). */
  const set = (next: unknown, part = '') => {
    // Re-applying what is already there would be a history step that changes nothing.
    if (JSON.stringify(next) === JSON.stringify(value)) return;
    updateNode(
      node.id,
      (current) => withConfigField(current, variant, field, next),
      configMergeKey(node.id, field + part, variant),
    );
  };
  const shared = node.config?.[field];
  return {
    value,
    overridden,
    set,
    /** The variant starts overriding the field with the shared value (or a sensible first value). */
    override: () =>
      updateNode(node.id, (current) =>
        withConfigField(current, variant, field, shared !== undefined ? structuredClone(shared) : initial()),
      ),
    /** The variant goes back to the shared value. */
    inherit: () => updateNode(node.id, (current) => withConfigField(current, variant, field, undefined)),
  };
}

/** Buttons that switch a field of a variant between its own value and the shared one. */
export function OverrideActions(props: { field: string; overridden: boolean; override(): void; inherit(): void }) {
  return props.overridden ? (
    <button
      type="button"
      className="link"
      data-testid={`config-${props.field}-reset`}
      title="Use the shared value"
      onClick={props.inherit}
    >
      use shared
    </button>
  ) : (
    <button
      type="button"
      className="link"
      data-testid={`config-${props.field}-override`}
      title="Give this variant its own value"
      onClick={props.override}
    >
      override
    </button>
  );
}

export interface ConfigFormProps {
  flow: Flow;
  node: FlowNode;
  fields: readonly ConfigField[];
  /** The variant whose overrides are edited; undefined edits `node.config` (the shared config when there are variants). */
  variant: string | undefined;
  /** Fields another editor shows (the prompt editor takes template and messages). */
  omit?: readonly string[];
}

/** The node's config as a form generated from its type's config schema. */
export function ConfigForm({ flow, node, fields, variant, omit = [] }: ConfigFormProps) {
  const shown = fields.filter((field) => !omit.includes(field.name));
  if (shown.length === 0) return null;
  return (
    <div className="config-form">
      {shown.map((field) => (
        <ConfigFieldRow key={field.name} flow={flow} node={node} field={field} variant={variant} />
      ))}
    </div>
  );
}

function ConfigFieldRow({
  flow,
  node,
  field,
  variant,
}: {
  flow: Flow;
  node: FlowNode;
  field: ConfigField;
  variant: string | undefined;
}) {
  const { value, overridden, set, override, inherit } = useConfigField(node, variant, field.name, () =>
    initialValue(field),
  );
  const id = `config-${node.id}-${field.name}`;
  const help = field.description ?? (field.kind === 'number' ? rangeText(field) : undefined);
  const labelled = field.kind !== 'string-list';
  return (
    <FieldRow
      label={field.label}
      {...(labelled ? { htmlFor: id } : {})}
      required={field.required}
      help={help}
      inherited={!overridden}
      testId={`field-${field.name}`}
      actions={
        variant !== undefined && (
          <OverrideActions field={field.name} overridden={overridden} override={override} inherit={inherit} />
        )
      }
    >
      <ConfigFieldInput
        flow={flow}
        field={field}
        value={value}
        onChange={(next) => set(next)}
        disabled={!overridden}
        removable={variant === undefined}
        id={id}
      />
    </FieldRow>
  );
}
