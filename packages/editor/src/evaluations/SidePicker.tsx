import type { Evaluation, SideRef } from '../api/client.js';
import { sideText } from './comparison-data.js';

/**
 * One side of a comparison: any combination of any evaluation. Evaluations over another dataset than `dataset`
 * (the other side's) are listed but cannot be picked: a paired comparison needs the same rows.
 */
export function SidePicker(props: {
  label: 'A' | 'B';
  evaluations: Evaluation[];
  value: SideRef | undefined;
  dataset: string | undefined;
  onChange(side: SideRef): void;
}) {
  return (
    <label className="field side-picker">
      <span>{props.label}</span>
      <select
        data-testid={`comparison-side-${props.label.toLowerCase()}`}
        value={props.value ? sideText(props.value) : ''}
        onChange={(event) => {
          const [evaluation, combination] = event.target.value.split(':');
          if (evaluation) props.onChange({ evaluation, combination: Number(combination) });
        }}
      >
        <option value="">Choose an evaluation and combination…</option>
        {props.evaluations.map((evaluation) => (
          <optgroup
            key={evaluation.id}
            label={`${evaluation.name || evaluation.id} · ${evaluation.flowName} v${evaluation.flowVersion} · ${evaluation.datasetName}`}
          >
            {evaluation.combinations.map((combination) => (
              <option
                key={combination.index}
                value={`${evaluation.id}:${combination.index}`}
                disabled={props.dataset !== undefined && evaluation.datasetId !== props.dataset}
              >
                {combination.key} ({evaluation.name || evaluation.id}, v{evaluation.flowVersion})
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
}
