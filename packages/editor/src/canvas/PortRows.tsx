import { Handle, Position } from '@xyflow/react';
import type { CSSProperties } from 'react';
import type { PortView } from '../graph/to-react-flow.js';

type Side = 'input' | 'output';

/** The hover text of a port: its name and type, whether it must be connected, and what it is for. */
export function portTitle(port: PortView, side: Side): string {
  const lines = [`${port.name}: ${port.type}`];
  if (port.required) lines.push('required: connect something to it');
  if (port.unknown) lines.push(`this node has no ${side} "${port.name}" (an edge names it): fix the edge or the node`);
  if (port.description) lines.push(port.description);
  return lines.join('\n');
}

function PortCell({ nodeId, port, side }: { nodeId: string; port: PortView; side: Side }) {
  const classes = ['port', `port-${side}`, port.required ? 'port-required' : '', port.unknown ? 'port-unknown' : '']
    .filter(Boolean)
    .join(' ');
  // The colour goes through a custom property so the stylesheet decides how (fill, or a dashed ring when unknown).
  const style = { '--port-color': port.color } as CSSProperties;
  const title = portTitle(port, side);
  return (
    <div className={classes} title={title} data-testid={`port-${nodeId}-${side}-${port.name}`}>
      <Handle
        type={side === 'input' ? 'target' : 'source'}
        position={side === 'input' ? Position.Left : Position.Right}
        id={port.name}
        className="port-handle"
        style={style}
        title={title}
        data-port-type={port.type}
      />
      <span className="port-name">{port.name}</span>
      {port.required && (
        <span className="port-required-mark" title="required">
          *
        </span>
      )}
      {port.unknown && (
        <span className="port-unknown-mark" title="not a port of this node">
          ?
        </span>
      )}
      <span className="port-type">{port.type}</span>
    </div>
  );
}

/**
 * One row per port, inputs on the left and outputs on the right, paired so a node stays as short as its longer side
 * (the auto-layout sizes nodes the same way). Each port's handle sits on the node's edge, in the port's colour.
 */
export function PortRows({ nodeId, inputs, outputs }: { nodeId: string; inputs: PortView[]; outputs: PortView[] }) {
  const rows = Math.max(inputs.length, outputs.length);
  if (rows === 0) return null;
  return (
    <div className="flow-node-ports">
      {Array.from({ length: rows }, (_, index) => {
        const input = inputs[index];
        const output = outputs[index];
        return (
          <div className="port-row" key={`${input?.name ?? ''}|${output?.name ?? ''}`}>
            {input ? <PortCell nodeId={nodeId} port={input} side="input" /> : <span />}
            {output ? <PortCell nodeId={nodeId} port={output} side="output" /> : <span />}
          </div>
        );
      })}
    </div>
  );
}
