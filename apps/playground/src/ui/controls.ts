/**
 * The comparison form: built from the libraries' own lists (settings, knobs, presets), so it never
 * offers what the libraries do not have. `read()` returns the raw input; the caller resolves it
 * strictly with `resolvePlaygroundConfig` and shows the error next to the form.
 */
import { SYNTHETIC_SETTING_KNOBS, SYNTHETIC_SETTINGS, type SyntheticSetting } from '@dtrn/datasets';
import { MODEL_PRESET_NAMES } from '@dtrn/model';
import {
  type ConflictKnobs,
  DEFAULT_PLAYGROUND_CONFIG,
  MODEL_SCALES,
  PLAYGROUND_BACKENDS,
  PLAYGROUND_BALANCING,
  PLAYGROUND_DATA_SIZES,
  type PlaygroundConfigInput,
} from '../config/playground-config.js';
import { element } from './dom.js';

const KNOB_LABELS: Readonly<Record<keyof ConflictKnobs, string>> = {
  taskCorrelation: 'Task correlation ρ [-1, 1]',
  sequenceTaskSpecificity: 'Sequence task specificity κ [0, 1]',
  fieldOverlap: 'Field-importance overlap o [0, 1]',
  itemCorrelation: 'Item attractiveness/quality correlation [-1, 1]',
};

const MODEL_SCALE_LABELS: Readonly<Record<(typeof MODEL_SCALES)[number], string>> = {
  tiny: 'tiny (d = 10, experts [16])',
  compact: 'compact (d = 20, experts [64, 32])',
  preset: 'library preset (d = 40, experts [256, 128]; slow)',
};

function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id;
  const children: HTMLElement[] = [element('label', { for: id }, label), control];
  if (hint) children.push(element('small', { id: `${id}-hint` }, hint));
  if (hint) control.setAttribute('aria-describedby', `${id}-hint`);
  return element('div', { class: 'field' }, ...children);
}

function select(id: string, options: readonly string[], value: string, labels?: Record<string, string>) {
  const control = element('select', { id, name: id });
  for (const option of options)
    control.append(element('option', { value: option }, labels?.[option] ?? option));
  control.value = value;
  return control;
}

function numberInput(id: string, value: number, attributes: Record<string, string>): HTMLInputElement {
  return element('input', {
    id,
    name: id,
    type: 'number',
    value: String(value),
    required: '',
    ...attributes,
  });
}

export interface Controls {
  readonly form: HTMLFormElement;
  readonly startButton: HTMLButtonElement;
  readonly stopButton: HTMLButtonElement;
  readonly error: HTMLElement;
  read(): PlaygroundConfigInput;
  setRunning(running: boolean): void;
}

export function createControls(): Controls {
  const defaults = DEFAULT_PLAYGROUND_CONFIG;
  const setting = select('setting', SYNTHETIC_SETTINGS, defaults.setting);
  const knobInputs = Object.fromEntries(
    (Object.keys(KNOB_LABELS) as (keyof ConflictKnobs)[]).map((key) => [
      key,
      numberInput(`knob-${key}`, defaults.knobs[key], {
        step: 'any',
        min: key === 'taskCorrelation' || key === 'itemCorrelation' ? '-1' : '0',
        max: '1',
      }),
    ]),
  ) as Record<keyof ConflictKnobs, HTMLInputElement>;
  setting.addEventListener('change', () => {
    const knobs = SYNTHETIC_SETTING_KNOBS[setting.value as SyntheticSetting];
    for (const [key, input] of Object.entries(knobInputs))
      input.value = String(knobs[key as keyof ConflictKnobs]);
  });
  const dataSize = select('data-size', PLAYGROUND_DATA_SIZES, defaults.dataSize, {
    tiny: 'tiny (200 users, 500 items)',
    small: 'small (2,000 users, 2,000 items)',
  });
  const numSamples = numberInput('num-samples', defaults.numSamples, {
    min: '500',
    max: '100000',
    step: '500',
  });
  const sequenceLength = numberInput('sequence-length', defaults.sequenceLength, { min: '2', max: '50' });

  const modelBoxes = MODEL_PRESET_NAMES.map((name) => {
    const box = element('input', { type: 'checkbox', id: `model-${name}`, name: 'models', value: name });
    box.checked = defaults.models.includes(name);
    return box;
  });
  const modelScale = select('model-scale', MODEL_SCALES, defaults.modelScale, MODEL_SCALE_LABELS);

  const steps = numberInput('steps', defaults.steps, { min: '1', max: '100000' });
  const batchSize = numberInput('batch-size', defaults.batchSize, { min: '8', max: '4096' });
  const learningRate = numberInput('learning-rate', defaults.learningRate, {
    min: '0.00001',
    max: '1',
    step: 'any',
  });
  const evaluateEvery = numberInput('evaluate-every', defaults.evaluateEverySteps, {
    min: '1',
    max: '10000',
  });
  const balancing = select('balancing', PLAYGROUND_BALANCING, defaults.balancing);
  const seed = numberInput('seed', defaults.seed, { min: '0', max: '4294967295' });
  const backend = select('backend', PLAYGROUND_BACKENDS, defaults.backend, {
    auto: 'auto (WebGL if hardware, else wasm, else cpu)',
  });

  const startButton = element('button', { type: 'submit', id: 'start' }, 'Start comparison');
  const stopButton = element('button', { type: 'button', id: 'stop', disabled: '' }, 'Stop');
  const error = element('p', { id: 'form-error', role: 'alert', class: 'error' });

  const form = element(
    'form',
    { id: 'controls', 'aria-labelledby': 'controls-title' },
    element('h2', { id: 'controls-title' }, 'Comparison'),
    element(
      'fieldset',
      {},
      element('legend', {}, 'Synthetic data'),
      field('Setting', setting, 'Choosing a setting fills in its conflict knobs (DATA.md).'),
      ...Object.entries(knobInputs).map(([key, input]) =>
        field(KNOB_LABELS[key as keyof ConflictKnobs], input),
      ),
      field('Users and items', dataSize),
      field('Rows (impressions)', numSamples, 'Split 80/10/10 by user into train, validation, test.'),
      field('Sequence length (per behavior)', sequenceLength),
    ),
    element(
      'fieldset',
      { id: 'model-choice' },
      element('legend', {}, 'Models (two or three; the first checked is the reference)'),
      element(
        'div',
        { class: 'checkboxes' },
        ...modelBoxes.map((box) => element('label', { class: 'checkbox' }, box, ` ${box.value}`)),
      ),
      field('Model scale', modelScale),
    ),
    element(
      'fieldset',
      {},
      element('legend', {}, 'Training'),
      field('Steps per model', steps),
      field('Batch size (samples per step)', batchSize),
      field('Learning rate (Adam)', learningRate),
      field('Evaluate every N steps', evaluateEvery, 'Loss point and validation AUC.'),
      field('Loss balancing', balancing),
      field('Seed', seed),
      field('Backend', backend),
    ),
    element('div', { class: 'buttons' }, startButton, stopButton),
    error,
  );

  const knobValues = (): Record<string, number> =>
    Object.fromEntries(Object.entries(knobInputs).map(([key, input]) => [key, input.valueAsNumber]));

  return {
    form,
    startButton,
    stopButton,
    error,
    read: () => ({
      setting: setting.value as SyntheticSetting,
      knobs: knobValues(),
      dataSize: dataSize.value as PlaygroundConfigInput['dataSize'],
      numSamples: numSamples.valueAsNumber,
      sequenceLength: sequenceLength.valueAsNumber,
      models: modelBoxes
        .filter((box) => box.checked)
        .map((box) => box.value) as PlaygroundConfigInput['models'],
      modelScale: modelScale.value as PlaygroundConfigInput['modelScale'],
      steps: steps.valueAsNumber,
      batchSize: batchSize.valueAsNumber,
      learningRate: learningRate.valueAsNumber,
      evaluateEverySteps: evaluateEvery.valueAsNumber,
      balancing: balancing.value as PlaygroundConfigInput['balancing'],
      seed: seed.valueAsNumber,
      backend: backend.value as PlaygroundConfigInput['backend'],
    }),
    setRunning: (running) => {
      startButton.disabled = running;
      stopButton.disabled = !running;
      for (const fieldset of Array.from(form.querySelectorAll('fieldset'))) fieldset.disabled = running;
    },
  };
}
