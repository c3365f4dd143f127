/**
 * The playground page: the form, the training worker, live charts, the result table and the
 * inspection charts. The page runs no tfjs ops; all training happens in the worker, so the
 * page stays responsive. `document.body.dataset.state` is idle | running | done | error (the
 * end-to-end test waits on it).
 */
import './styles.css';
import { isDtrnError } from '@dtrn/base';
import type { Chart } from 'chart.js';
import { resultVerdict } from './comparison/verdict.js';
import { type PlaygroundConfig, resolvePlaygroundConfig } from './config/playground-config.js';
import type { WorkerEvent, WorkerRequest } from './protocol.js';
import { CurveCharts } from './ui/charts.js';
import { createControls } from './ui/controls.js';
import { element } from './ui/dom.js';
import { renderInspection } from './ui/inspection-view.js';
import { ProgressView } from './ui/progress-view.js';
import { renderResults } from './ui/results-view.js';

type PageState = 'idle' | 'running' | 'done' | 'error';

function byId(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`playground: #${id} is missing from index.html`);
  return found;
}

const controls = createControls();
byId('controls-slot').replaceWith(controls.form);
const progress = new ProgressView(byId('backend-status'), byId('data-status'), byId('model-progress'));
const curvesContainer = byId('curves');
const resultsContainer = byId('results');
const inspectionContainer = byId('inspection');

const worker = new Worker(new URL('./worker/training-worker.ts', import.meta.url), { type: 'module' });
let curves: CurveCharts | null = null;
let inspectionCharts: Chart[] = [];
let models: readonly string[] = [];
let runConfig: PlaygroundConfig | null = null;
let totalSteps = 0;

function setState(state: PageState): void {
  document.body.dataset.state = state;
  controls.setRunning(state === 'running');
}

function send(request: WorkerRequest): void {
  worker.postMessage(request);
}

function handle(event: WorkerEvent): void {
  switch (event.type) {
    case 'backend':
      progress.backend(event.backend);
      break;
    case 'data':
      progress.data(event.data);
      curves?.dispose();
      curves = new CurveCharts(
        curvesContainer,
        event.data.tasks,
        models,
        event.validationOracleAuc,
        totalSteps,
      );
      break;
    case 'warning':
      progress.warning(event.message);
      break;
    case 'model-start':
      progress.modelStarted(event.model, event.totalSteps);
      break;
    case 'progress':
      progress.progress(event.point);
      curves?.add(event.point);
      break;
    case 'model-done':
      progress.modelDone(
        event.result.model,
        event.result.steps,
        event.result.seconds,
        event.result.stoppedReason === 'aborted',
      );
      break;
    case 'done':
      if (event.result.stopped) progress.skipRemaining();
      renderResults(
        resultsContainer,
        event.result,
        runConfig ? resultVerdict(runConfig, event.result) : null,
      );
      for (const chart of inspectionCharts) chart.destroy();
      inspectionCharts = renderInspection(inspectionContainer, event.result.tasks, event.result.models);
      setState('done');
      break;
    case 'error':
      controls.error.textContent = `${event.name}: ${event.message}`;
      if (event.stack) console.error(event.stack); // for the developer tools
      setState('error');
      break;
  }
}

worker.addEventListener('message', (message: MessageEvent<WorkerEvent>) => handle(message.data));
worker.addEventListener('error', (error) => {
  controls.error.textContent = `The training worker failed: ${error.message}`;
  setState('error');
});

controls.form.addEventListener('submit', (submit) => {
  submit.preventDefault();
  controls.error.textContent = '';
  const input = controls.read();
  try {
    const config = resolvePlaygroundConfig(input, 'form');
    runConfig = config;
    models = config.models;
    totalSteps = config.steps;
  } catch (error) {
    controls.error.textContent = isDtrnError(error) ? error.message : String(error);
    return;
  }
  progress.reset(models, totalSteps);
  resultsContainer.replaceChildren(element('p', {}, 'The table appears when every model has trained.'));
  inspectionContainer.replaceChildren();
  setState('running');
  send({ type: 'start', config: input });
});

controls.stopButton.addEventListener('click', () => {
  controls.stopButton.disabled = true;
  send({ type: 'stop' });
});

setState('idle');
