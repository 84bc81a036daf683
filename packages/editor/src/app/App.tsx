import { ReactFlowProvider } from '@xyflow/react';
import { useState } from 'react';
import { Canvas } from '../canvas/Canvas.js';
import { CollectionsPage } from '../collections/CollectionsPage.js';
import { collectionOfHash, isCollectionsHash } from '../collections/route.js';
import { EvaluationsPage } from '../evaluations/EvaluationsPage.js';
import { isEvaluationHash, parseRoute, useLocationHash } from '../evaluations/route.js';
import { HistoryPanel } from '../history/HistoryPanel.js';
import { Inspector } from '../inspector/Inspector.js';
import { Palette } from '../palette/Palette.js';
import { RunPanel } from '../runs/RunPanel.js';
import { Toolbar } from '../toolbar/Toolbar.js';
import { useLeaveGuard } from './use-leave-guard.js';

type SideTab = 'inspect' | 'run' | 'history';

const PANELS = { inspect: Inspector, run: RunPanel, history: HistoryPanel };

/**
 * The editor: toolbar on top, the palette, the canvas, and the inspector, run panel or history on the right; or, at
 * `#/evaluations...`, the evaluation pages, or at `#/collections...`, the collection pages (the flow being edited
 * stays in the store meanwhile).
 */
export function App() {
  const [tab, setTab] = useState<SideTab>('inspect');
  const hash = useLocationHash();
  useLeaveGuard();
  const Panel = PANELS[tab];
  if (isEvaluationHash(hash)) return <EvaluationsPage route={parseRoute(hash)} />;
  if (isCollectionsHash(hash)) return <CollectionsPage selected={collectionOfHash(hash)} />;
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
            <button
              type="button"
              role="tab"
              data-testid="tab-history"
              aria-selected={tab === 'history'}
              title="Versions: compare, label, open, restore"
              onClick={() => setTab('history')}
            >
              History
            </button>
          </div>
          <div className="side-body">
            <Panel />
          </div>
        </aside>
      </div>
    </ReactFlowProvider>
  );
}
