import { BaseEdge, EdgeLabelRenderer, type EdgeProps, getBezierPath } from '@xyflow/react';
import type { FlowCanvasEdge } from '../graph/to-react-flow.js';

/**
 * An edge as React Flow's default bezier, plus what the default cannot do: its problems as hover text, on the line
 * itself (an SVG title) and on a "!" marker at its middle that is easier to point at.
 */
export function FlowEdgeView(props: EdgeProps<FlowCanvasEdge>) {
  const { id, data, style, markerEnd, interactionWidth, selected } = props;
  const [path, labelX, labelY] = getBezierPath(props);
  const problems = data?.problems ?? [];
  const message = problems.map((problem) => problem.message).join('\n');
  return (
    <>
      <g className={selected ? 'flow-edge selected' : 'flow-edge'} data-testid={`edge-${id}`}>
        {message && <title>{message}</title>}
        <BaseEdge id={id} path={path} style={style} markerEnd={markerEnd} interactionWidth={interactionWidth} />
      </g>
      {message && (
        <EdgeLabelRenderer>
          <div
            className="edge-problem-label nodrag nopan"
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            title={message}
            data-testid={`edge-problem-${id}`}
          >
            !
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}
