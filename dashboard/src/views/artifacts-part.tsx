// The compare view's artifacts: what the ticked runs logged to look at, side by side — confusion
// matrices, PR/ROC curves, generated samples, the console of two of them, shared checkpoints.
// Closed until asked for (each part asks the API for a name the runs may not have logged; no
// route lists the names yet, so they come from the link — cm, pr, samples — or are typed).
import type { ArtifactsState } from '../url-state.ts';
import { CheckpointsPanel } from './checkpoints-panel.tsx';
import { ConfusionPanel } from './confusion-panel.tsx';
import { LogDiffPanel } from './log-diff-panel.tsx';
import { PrCurvesPanel } from './pr-curves-panel.tsx';
import { SamplesPanel } from './samples-panel.tsx';

export function ArtifactsPart({ runIds, state, onChange }: { runIds: string[]; state: ArtifactsState; onChange: (s: ArtifactsState) => void }) {
  const set = (change: Partial<ArtifactsState>) => onChange({ ...state, ...change });
  return (
    <section class="panel" data-testid="artifacts">
      <h2>
        Artifacts of the {runIds.length} runs <span class="muted">(against {runIds[0]})</span>
        <button type="button" aria-expanded={state.open} onClick={() => set({ open: !state.open })}>
          {state.open ? 'hide artifacts' : 'show artifacts'}
        </button>
      </h2>
      {state.open && (
        <>
          <ConfusionPanel runIds={runIds} name={state.confusion} normalize={state.normalize} onChange={(confusion, normalize) => set({ confusion, normalize })} />
          <PrCurvesPanel runIds={runIds} name={state.curve} onChange={(curve) => set({ curve })} />
          <SamplesPanel runIds={runIds} settings={state} onChange={(s) => set(s)} />
          <LogDiffPanel runIds={runIds} other={state.logWith} ignoreDigits={state.ignoreDigits} onChange={(logWith, ignoreDigits) => set({ logWith, ignoreDigits })} />
          <CheckpointsPanel runIds={runIds} />
        </>
      )}
    </section>
  );
}
