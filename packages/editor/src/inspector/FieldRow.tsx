import type { ReactNode } from 'react';

export interface FieldRowProps {
  label: string;
  /** The id of the input the label names (leave out for a group of inputs, e.g. a list). */
  htmlFor?: string;
  required?: boolean;
  help?: string;
  /** Shown in red under the input: why what was typed is not applied, or is not valid. */
  error?: string;
  /** Greyed: the value shown is inherited from the shared config, not this variant's own. */
  inherited?: boolean;
  /** Small buttons beside the label (override, use shared). */
  actions?: ReactNode;
  testId?: string;
  errorTestId?: string;
  children: ReactNode;
}

/** One labelled field of the inspector: label and actions, the input, then help and error lines. */
export function FieldRow({
  label,
  htmlFor,
  required,
  help,
  error,
  inherited,
  actions,
  testId,
  errorTestId,
  children,
}: FieldRowProps) {
  return (
    <div className={`field${inherited ? ' inherited' : ''}`} data-testid={testId}>
      <div className="field-head">
        {htmlFor ? <label htmlFor={htmlFor}>{label}</label> : <span className="field-label">{label}</span>}
        {required && (
          <span className="field-required" title="required">
            *
          </span>
        )}
        {inherited && <span className="field-tag">shared</span>}
        {actions && <span className="field-actions">{actions}</span>}
      </div>
      {children}
      {help && <div className="field-help">{help}</div>}
      {error && (
        <div className="field-error" role="alert" data-testid={errorTestId}>
          {error}
        </div>
      )}
    </div>
  );
}
