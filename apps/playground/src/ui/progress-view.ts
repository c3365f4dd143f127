/** The run's status: backend, data, and one progress bar per model (step, samples/s, ETA). */
import type { BackendInfo, CurvePoint, DataInfo } from '../protocol.js';
import { element, formatCount, formatNumber } from './dom.js';

export class ProgressView {
  private readonly bars = new Map<string, { bar: HTMLProgressElement; text: HTMLElement }>();

  constructor(
    private readonly backendLine: HTMLElement,
    private readonly dataLine: HTMLElement,
    private readonly list: HTMLElement,
  ) {}

  reset(models: readonly string[], totalSteps: number): void {
    this.bars.clear();
    this.dataLine.textContent = 'Generating data…';
    this.list.replaceChildren(
      ...models.map((model) => {
        const bar = element('progress', { max: String(totalSteps), value: '0', id: `progress-${model}` });
        const text = element('span', { class: 'progress-text' }, 'waiting');
        this.bars.set(model, { bar, text });
        return element('li', {}, element('label', { for: bar.id }, model), bar, text);
      }),
    );
  }

  backend(info: BackendInfo): void {
    this.backendLine.textContent = `Backend: ${info.summary}${info.details ? `; ${info.details}` : ''}`;
    this.backendLine.dataset.backend = info.name;
  }

  data(info: DataInfo): void {
    this.dataLine.textContent = `Data: ${info.description}. Train ${formatCount(info.trainRows)}, validation ${formatCount(info.validationRows)}, test ${formatCount(info.testRows)} rows (generated in ${info.seconds.toFixed(1)} s).`;
  }

  /** A data warning (e.g. one class in the test rows of a task), appended to the data line. */
  warning(message: string): void {
    this.dataLine.append(element('span', { class: 'warning', role: 'status' }, ` Warning: ${message}.`));
  }

  modelStarted(model: string, totalSteps: number): void {
    const entry = this.bars.get(model);
    if (!entry) return;
    entry.bar.max = totalSteps;
    entry.text.textContent = 'training…';
  }

  progress(point: CurvePoint): void {
    const entry = this.bars.get(point.model);
    if (!entry) return;
    entry.bar.max = point.totalSteps;
    entry.bar.value = point.step;
    const auc = point.validationAuc.map((value) => formatNumber(value, 3)).join(' / ');
    entry.text.textContent = `step ${point.step}/${point.totalSteps}, ${formatCount(point.samplesPerSecond)} samples/s, ETA ${Math.ceil(point.etaSeconds)} s, validation AUC ${auc}`;
  }

  modelDone(model: string, steps: number, seconds: number, stopped: boolean): void {
    const entry = this.bars.get(model);
    if (!entry) return;
    entry.bar.value = stopped ? steps : entry.bar.max;
    entry.text.textContent = `${stopped ? 'stopped' : 'done'}: ${steps} steps in ${seconds.toFixed(1)} s`;
  }

  skipRemaining(): void {
    for (const entry of this.bars.values()) {
      if (entry.text.textContent === 'waiting') entry.text.textContent = 'skipped (stopped)';
    }
  }
}
