/**
 * Live curves with chart.js (only the pieces used are registered, so the rest is tree-shaken):
 * per task, the training loss and the validation AUC of every model, with the oracle AUC of the
 * validation split as a dashed line. Models keep one colour and dash pattern on every chart.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartDataset,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Title,
  Tooltip,
} from 'chart.js';
import type { CurvePoint } from '../protocol.js';
import { element } from './dom.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Title,
  Tooltip,
);
Chart.defaults.animation = false;
Chart.defaults.font.family = 'system-ui, sans-serif';

/** Colour-blind-safe colours (Okabe-Ito) with distinct dash patterns per model. */
export const MODEL_STYLES = [
  { color: '#0072b2', dash: [] as number[] },
  { color: '#d55e00', dash: [6, 3] },
  { color: '#009e73', dash: [2, 2] },
] as const;
const ORACLE_COLOR = '#555555';

export function modelStyle(index: number) {
  return MODEL_STYLES[index % MODEL_STYLES.length]!;
}

type XY = { x: number; y: number | null };

function lineDataset(label: string, index: number): ChartDataset<'line', XY[]> {
  const style = modelStyle(index);
  return {
    label,
    data: [],
    borderColor: style.color,
    backgroundColor: style.color,
    borderDash: [...style.dash],
    pointRadius: 2,
    borderWidth: 2,
    spanGaps: true,
  };
}

function lineChart(
  canvas: HTMLCanvasElement,
  title: string,
  yTitle: string,
  datasets: ChartDataset<'line', XY[]>[],
) {
  return new Chart<'line', XY[]>(canvas, {
    type: 'line',
    data: { datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      plugins: { title: { display: true, text: title }, legend: { position: 'bottom' } },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'training step' }, min: 0 },
        y: { type: 'linear', title: { display: true, text: yTitle } },
      },
    },
  });
}

function chartBox(id: string, label: string): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = element('canvas', { id, role: 'img', 'aria-label': label });
  return { box: element('div', { class: 'chart' }, canvas), canvas };
}

/** The loss and AUC charts of one comparison. `dispose()` frees them before the next run. */
export class CurveCharts {
  private readonly lossCharts: Chart<'line', XY[]>[] = [];
  private readonly aucCharts: Chart<'line', XY[]>[] = [];

  constructor(
    container: HTMLElement,
    private readonly tasks: readonly string[],
    private readonly models: readonly string[],
    validationOracleAuc: readonly (number | null)[],
    totalSteps: number,
  ) {
    container.replaceChildren();
    tasks.forEach((task, k) => {
      const loss = chartBox(`loss-${task}`, `Training loss of task ${task} per model over steps`);
      const auc = chartBox(`auc-${task}`, `Validation AUC of task ${task} per model over steps`);
      container.append(loss.box, auc.box);
      this.lossCharts.push(
        lineChart(
          loss.canvas,
          `${task}: training loss`,
          'masked BCE per sample',
          models.map((model, i) => lineDataset(model, i)),
        ),
      );
      const aucSets = models.map((model, i) => lineDataset(model, i));
      const oracle = validationOracleAuc[k];
      if (oracle !== null && oracle !== undefined) {
        aucSets.push({
          label: `oracle (${oracle.toFixed(3)})`,
          data: [
            { x: 0, y: oracle },
            { x: totalSteps, y: oracle },
          ],
          borderColor: ORACLE_COLOR,
          backgroundColor: ORACLE_COLOR,
          borderDash: [1, 4],
          pointRadius: 0,
          borderWidth: 2,
        });
      }
      this.aucCharts.push(lineChart(auc.canvas, `${task}: validation AUC`, 'AUC', aucSets));
    });
  }

  add(point: CurvePoint): void {
    const index = this.models.indexOf(point.model);
    if (index < 0) return;
    this.tasks.forEach((_, k) => {
      this.lossCharts[k]!.data.datasets[index]!.data.push({ x: point.step, y: point.lossPerTask[k] ?? null });
      this.aucCharts[k]!.data.datasets[index]!.data.push({
        x: point.step,
        y: point.validationAuc[k] ?? null,
      });
    });
    for (const chart of [...this.lossCharts, ...this.aucCharts]) chart.update('none');
  }

  dispose(): void {
    for (const chart of [...this.lossCharts, ...this.aucCharts]) chart.destroy();
  }
}
