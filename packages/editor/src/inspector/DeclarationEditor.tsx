import {
  checkValue,
  type Flow,
  type FlowInput,
  type FlowOutput,
  isInputRequired,
  parsePortType,
} from '@groundwork/runtime/schema';
import { useEditor } from '../state/editor-store.js';
import { FieldRow } from './FieldRow.js';
import {
  deleteDeclaration,
  type InterfaceSide,
  interfaceNameProblem,
  renameDeclaration,
  updateDeclaration,
} from './flow-edits.js';
import { JsonField } from './JsonField.js';
import { PortTypeInput, portTypeProblem } from './PortTypeInput.js';
import { useDraft } from './use-draft.js';

export interface DeclarationEditorProps {
  flow: Flow;
  side: InterfaceSide;
  name: string;
  declaration: FlowInput | FlowOutput;
  /** Prefix of every test id here, e.g. `flow-input-0`. */
  testId: string;
}

/** Why a default does not fit the declared type, or undefined. */
function defaultProblem(type: string, value: unknown): string | undefined {
  if (value === undefined || portTypeProblem(type) !== undefined) return undefined;
  return checkValue(value, parsePortType(type));
}

/** One declared flow input or output: name, type, description, and for inputs the default and whether required. */
export function DeclarationEditor({ flow, side, name, declaration, testId }: DeclarationEditorProps) {
  const change = useEditor((state) => state.change);
  const nameDraft = useDraft(name);
  const nameProblem = interfaceNameProblem(flow, side, name, nameDraft.text);
  const nodeType = side === 'inputs' ? 'input' : 'output';
  const users = flow.nodes.filter((node) => node.type === nodeType && node.config?.name === name).length;
  const update = (recipe: (declaration: FlowInput) => FlowInput, field: string) =>
    change((current) => updateDeclaration(current, side, name, recipe as never), `${testId}:${field}`);
  const setField = (field: 'description' | 'default' | 'required', value: unknown) =>
    update(
      ({ [field]: _old, ...rest }) => (value === undefined ? rest : { ...rest, [field]: value }) as FlowInput,
      field,
    );
  const input = side === 'inputs' ? (declaration as FlowInput) : undefined;
  const textDefault =
    declaration.type === 'text' && (input?.default === undefined || typeof input.default === 'string');
  const mismatch = input && defaultProblem(declaration.type, input.default);
  return (
    <div className="declaration" data-testid={testId}>
      <div className="declaration-head">
        <input
          type="text"
          className="mono declaration-name"
          aria-label={`${nodeType} name`}
          data-testid={`${testId}-name`}
          aria-invalid={nameProblem ? true : undefined}
          value={nameDraft.text}
          onChange={(event) => {
            const next = event.target.value;
            // Applied only when valid: an empty or taken name would merge two declarations or lose one.
            if (next === name || interfaceNameProblem(flow, side, name, next) !== undefined)
              return nameDraft.edit(next);
            nameDraft.edit(next, next);
            change((current) => renameDeclaration(current, side, name, next), `${testId}:name`);
          }}
        />
        <span className="muted" title={`${nodeType} nodes that name it`}>
          {users === 0 ? `no ${nodeType} node` : `${users} node${users > 1 ? 's' : ''}`}
        </span>
        <button
          type="button"
          className="icon danger"
          aria-label={`delete ${nodeType} ${name}`}
          data-testid={`${testId}-delete`}
          onClick={() => change((current) => deleteDeclaration(current, side, name))}
        >
          ✕
        </button>
      </div>
      {nameProblem && (
        <div className="field-error" role="alert" data-testid={`${testId}-name-error`}>
          {nameProblem}
        </div>
      )}
      <FieldRow label="Type" htmlFor={`${testId}-type`}>
        <PortTypeInput
          id={`${testId}-type`}
          testId={`${testId}-type`}
          value={declaration.type}
          onChange={(type) => update((current) => ({ ...current, type }), 'type')}
        />
      </FieldRow>
      <FieldRow label="Description" htmlFor={`${testId}-description`}>
        <input
          id={`${testId}-description`}
          data-testid={`${testId}-description`}
          type="text"
          value={declaration.description ?? ''}
          onChange={(event) => setField('description', event.target.value || undefined)}
        />
      </FieldRow>
      {input && (
        <>
          <FieldRow
            label="Default"
            htmlFor={`${testId}-default`}
            help={textDefault ? 'Empty: no default.' : 'JSON; empty: no default.'}
            errorTestId={`${testId}-default-warning`}
            {...(mismatch ? { error: `does not fit ${declaration.type}: ${mismatch}` } : {})}
          >
            {textDefault ? (
              <input
                id={`${testId}-default`}
                data-testid={`${testId}-default`}
                type="text"
                value={(input.default as string | undefined) ?? ''}
                onChange={(event) => setField('default', event.target.value || undefined)}
              />
            ) : (
              <JsonField
                id={`${testId}-default`}
                testId={`${testId}-default`}
                rows={1}
                value={input.default}
                onChange={(value) => setField('default', value)}
              />
            )}
          </FieldRow>
          <label className="checkbox">
            <input
              type="checkbox"
              data-testid={`${testId}-required`}
              checked={isInputRequired(input)}
              onChange={(event) => {
                // Written only where it differs from what the default implies, to keep flow files short.
                const implied = input.default === undefined;
                setField('required', event.target.checked === implied ? undefined : event.target.checked);
              }}
            />
            Required{' '}
            {input.required === undefined && (
              <span className="muted">({input.default === undefined ? 'no default' : 'has a default'})</span>
            )}
          </label>
        </>
      )}
    </div>
  );
}
