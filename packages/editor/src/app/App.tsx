import { ReactFlowProvider } from '@xyflow/react';
import { useState } from 'react';
import { Canvas } from '../canvas/Canvas.js';
import { Inspector } from '../inspector/Inspector.js';
import { Palette } from '../palette/Palette.js';
import { RunPanel } from '../runs/RunPanel.js';
import { Toolbar } from '../toolbar/Toolbar.js';
import { useLeaveGuard } from './use-leave-guard.js';

type SideTab = 'inspect' | 'run';

/** The editor: toolbar on top, the palette, the canvas, and the inspector or run panel on the right. */
export function App() {
  const [tab, setTab] = useState<SideTab>('inspect');
  useLeaveGuard();
  return (
    <ReactFlowProvider>
      <div className="app">
        <Toolbar onRun={() => setTab('run')} />
        <Palette />
        <Canvas />
        <aside className="side">
          <div className="side-tabs" role="tablist">
            <button
              type="button"
              role="tab"
              data-testid="tab-inspect"
              aria-selected={tab === 'inspect'}
              onClick={() => setTab('inspect')}
            >
              Inspect
            </button>
            <button
              type="button"
              role="tab"
              data-testid="tab-run"
              aria-selected={tab === 'run'}
              onClick={() => setTab('run')}
            >
              Run
            </button>
          </div>
          <div className="side-body">{tab === 'inspect' ? <Inspector /> : <RunPanel />}</div>
        </aside>
      </div>
    </ReactFlowProvider>
  );
}
