/**
 * `dtrn report` on run directories with known numbers: each seed's values in the tables and chart
 * data, seed bands and per-step curves, config and environment on the page, escaping of untrusted
 * strings, several runs aligned by model and task, and clear errors for broken runs.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../src/program.js';
import type { RunResults } from '../src/report/results-file.js';
import { formatResultsMarkdown } from '../src/report/results-markdown.js';
import { captureStreams } from './helpers/capture.js';
import { type FixtureRun, fixtureResults, writeFixtureRun } from './helpers/report-fixture.js';

async function dtrn(args: string[], cwd?: string) {
  const streams = captureStreams();
  const { program } = createProgram({ streams });
  const previous = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    await program.parseAsync(['node', 'dtrn', ...args]);
  } finally {
    process.chdir(previous);
  }
  return streams.out().trim();
}

/** The JSON of `<script id="...">` in a page. */
function pageJson(html: string, id: string) {
  const match = new RegExp(`<script id="${id}" type="application/json">(.*?)</script>`, 's').exec(html);
  return JSON.parse(match![1]!);
}

const BASE: FixtureRun = {
  name: 'base',
  tasks: ['click', 'conversion'],
  seeds: [3, 7],
  auc: {
    ple: [
      [0.701, 0.802],
      [0.711, 0.812],
    ],
    'dtrn-ple': [
      [0.7123, 0.8045],
      [0.7087, 0.8191],
    ],
  },
  gains: [
    {
      model: 'dtrn-ple',
      base: 'ple',
      perSeed: [
        [0.0113, 0.0025],
        [-0.0023, 0.0071],
      ],
    },
  ],
  steps: {
    ple: [
      [
        [10, 0.6, 0.4],
        [20, 0.5, 0.3],
      ],
      [
        [12, 0.8, 0.6],
        [24, 0.4, 0.2],
      ],
    ],
  },
  config: { name: 'base', training: { epochs: 2, batchSize: 256 }, note: '<b>config</b>' },
  environment: {
    command: 'dtrn compare --preset tiny',
    gitCommit: 'abc1234',
    node: 'v20',
    machine: { cpuModel: 'Test CPU', cpus: 2 },
  },
};

describe('dtrn report <run>', () => {
  const root = mkdtempSync(join(tmpdir(), 'dtrn-report-'));
  const run = writeFixtureRun(root, BASE);

  it("writes each seed's gain and AUC, seed bands, per-step curves, config and environment", async () => {
    expect(await dtrn(['report', run])).toBe(join(run, 'report.html'));
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    // The gains table's per-seed column, seeds named by number.
    expect(html).toContain('<td>s3 +0.0113, s7 -0.0023</td>');
    expect(html).toContain('<td>s3 +0.0025, s7 +0.0071</td>');
    // Each seed's test AUC.
    expect(html).toMatch(
      /<td>dtrn-ple<\/td><td>0\.7123<\/td><td>0\.7087<\/td><td>0\.8045<\/td><td>0\.8191<\/td>/,
    );
    const charts = pageJson(html, 'dtrn-chart-data');
    expect(charts.finalAuc.models[1].seedPoints[0]).toEqual([
      { seed: 3, value: 0.7123 },
      { seed: 7, value: 0.7087 },
    ]);
    expect(charts.gains.tasks[1].seedPoints[0]).toEqual([
      { seed: 3, value: 0.0025 },
      { seed: 7, value: 0.0071 },
    ]);
    // Epoch curves: mean with the lowest and highest seed (seed index 0 and 1 differ by 0.01).
    const loss = charts.curves[0].loss[0];
    expect(loss.x).toEqual([1, 2]);
    expect(loss.lower[0]).toBeCloseTo(0.59, 10);
    expect(loss.upper[0]).toBeCloseTo(0.6, 10);
    expect(loss.mean[0]).toBeCloseTo(0.595, 10);
    // Per-step: the union of both seeds' steps, each seed interpolated between its own points.
    const steps = charts.steps[0].loss;
    expect(steps.map((curve: { label: string }) => curve.label)).toEqual(['ple']);
    expect(steps[0].x).toEqual([10, 12, 20, 24]);
    // step 10: seed 3 only (seed 7 starts at 12)
    expect([steps[0].mean[0], steps[0].lower[0], steps[0].upper[0]]).toEqual([0.6, 0.6, 0.6]);
    expect(steps[0].mean[2]).toBeCloseTo((0.5 + (0.8 + ((0.4 - 0.8) * 8) / 12)) / 2, 10);
    expect(steps[0].seeds).toBe(2);
    // Config and environment, escaped.
    expect(html).toContain('&quot;batchSize&quot;: 256');
    expect(html).toContain('&lt;b&gt;config&lt;/b&gt;');
    expect(html).toContain('<td>git commit</td><td>abc1234</td>');
    expect(html).toContain('<td>machine</td><td>Test CPU, 2 cores</td>');
  });

  it('renders a run written before step losses and config existed, saying what is missing', async () => {
    const old = writeFixtureRun(root, {
      ...BASE,
      name: 'old',
      steps: {},
      config: undefined,
      environment: undefined,
    });
    const html = readFileSync(await dtrn(['report', '--run', old]), 'utf8');
    expect(pageJson(html, 'dtrn-chart-data').steps).toEqual([]);
    expect(html).toContain('No config.json in the run directory');
    expect(html).toContain('No environment.json in the run directory.');
  });

  it('shows each multi-task model minus the single-task models, naming negative transfer', async () => {
    const fixture: FixtureRun = {
      ...BASE,
      name: 'transfer',
      auc: { ...BASE.auc, 'single-task': BASE.auc.ple! },
      transfer: [
        {
          model: 'ple',
          base: 'single-task',
          perSeed: [
            [-0.03, 0.001],
            [-0.02, 0.003],
          ],
        },
      ],
    };
    const dir = writeFixtureRun(root, fixture);
    const html = readFileSync(await dtrn(['report', dir]), 'utf8');
    const section = html.slice(html.indexOf('<h2>Transfer over single-task models</h2>'));
    expect(section).toMatch(/<td>ple<\/td><td>single-task<\/td><td>click<\/td><td>-0\.0250<\/td>/);
    expect(section).toContain('<td>s3 -0.0300, s7 -0.0200</td><td>NEGATIVE</td>');
    expect(section).toContain('<td>s3 +0.0010, s7 +0.0030</td><td>none measured</td>');
    const markdown = (fixture: FixtureRun) =>
      formatResultsMarkdown(fixtureResults(fixture) as unknown as RunResults);
    const withTransfer = markdown(fixture);
    expect(withTransfer).toContain('## Transfer: AUC of each multi-task model minus the single-task models');
    expect(withTransfer).toContain(
      '| ple | single-task | click | -0.0250 | [-0.0350, -0.0150] | 0.500 | -0.0300, -0.0200 | NEGATIVE |',
    );
    expect(markdown(BASE)).not.toContain('## Transfer');
    // BASE's run has no transfer: no section.
    expect(readFileSync(join(run, 'report.html'), 'utf8')).not.toContain('Transfer over single-task models');
  });

  it('escapes names and descriptions from results.json in the HTML and the inline JSON', async () => {
    const hostile = '</script><img src=x onerror=alert(1)>';
    const dir = writeFixtureRun(root, {
      ...BASE,
      name: 'hostile',
      description: hostile,
      auc: { [hostile]: BASE.auc.ple! },
      gains: [],
      steps: {},
    });
    const html = readFileSync(await dtrn(['report', dir]), 'utf8');
    expect(html).not.toContain('<img');
    expect(html).not.toContain(hostile);
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(pageJson(html, 'dtrn-results').models).toEqual([hostile]); // intact once parsed
  });
});

describe('dtrn report <run> <run> ...', () => {
  const root = mkdtempSync(join(tmpdir(), 'dtrn-report-multi-'));
  const a = writeFixtureRun(root, BASE);
  const b = writeFixtureRun(root, {
    ...BASE,
    name: 'other',
    tasks: ['click', 'purchase'],
    seeds: [0],
    auc: { 'shared-bottom': [[0.65, 0.66]], 'dtrn-ple': [[0.7222, 0.6]] },
    gains: [],
    config: { ...BASE.config, training: { epochs: 4, batchSize: 256 } },
  });

  it('aligns models and tasks across runs, with gaps where a run lacks one', async () => {
    const out = join(root, 'side-by-side.html');
    expect(await dtrn(['report', a, b, '--out', out])).toBe(out);
    const html = readFileSync(out, 'utf8');
    const charts = pageJson(html, 'dtrn-chart-data');
    expect(charts.labels).toEqual(['base', 'other']);
    const click = charts.finalAuc.find((task: { task: string }) => task.task === 'click');
    expect(click.models).toEqual(['ple', 'dtrn-ple', 'shared-bottom']);
    expect(click.runs[0].values).toEqual([0.706, 0.7105, null]);
    expect(click.runs[1].values).toEqual([null, 0.7222, 0.65]);
    expect(click.runs[1].seedPoints[1]).toEqual([{ seed: 0, value: 0.7222 }]);
    // conversion only in `base`, purchase only in `other`: each task lists only its models.
    expect(charts.finalAuc.map((task: { task: string }) => task.task)).toEqual([
      'click',
      'conversion',
      'purchase',
    ]);
    expect(charts.finalAuc[2].models).toEqual(['dtrn-ple', 'shared-bottom']); // union order: first run first
    expect(charts.gains[0].pairs).toEqual(['dtrn-ple vs ple']);
    expect(charts.gains[0].runs[1].values).toEqual([null]);
    // The tables: dtrn-ple in both runs with each seed; ple a gap in `other`.
    expect(html).toContain(
      '<td>dtrn-ple</td><td>0.7105 ± 0.0100<br><span class="detail">s3 0.7123, s7 0.7087</span></td><td>0.7222<br><span class="detail">s0 0.7222</span></td>',
    );
    expect(html).toContain(
      '<td>ple</td><td>0.7060 ± 0.0100<br><span class="detail">s3 0.7010, s7 0.7110</span></td><td>—</td>',
    );
    // The config key that differs, with each run's value.
    expect(html).toContain('<td>training.epochs</td><td>2</td><td>4</td>');
    expect(html).not.toContain('<td>training.batchSize</td>');
  });

  it('aligns the transfer over single-task models when a run has it', async () => {
    const withSingle = (name: string, perSeed: number[][]): FixtureRun => ({
      ...BASE,
      name,
      auc: { ...BASE.auc, 'single-task': BASE.auc.ple! },
      transfer: [{ model: 'ple', base: 'single-task', perSeed }],
    });
    const x = writeFixtureRun(
      root,
      withSingle('agree', [
        [0.02, 0.01],
        [0.02, 0.03],
      ]),
    );
    const y = writeFixtureRun(
      root,
      withSingle('conflict', [
        [-0.03, 0.001],
        [-0.02, 0.003],
      ]),
    );
    const out = join(root, 'transfer.html');
    await dtrn(['report', x, y, a, '--out', out]);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain(
      '<td>ple vs single-task</td><td>+0.0200 [+0.0100, +0.0300] positive<br><span class="detail">s3 +0.0200, s7 +0.0200</span></td><td>-0.0250 [-0.0350, -0.0150] NEGATIVE<br><span class="detail">s3 -0.0300, s7 -0.0200</span></td><td>—</td>',
    );
    // Runs without single-task models: no transfer table at all.
    const plain = join(root, 'plain.html');
    await dtrn(['report', a, b, '--out', plain]);
    expect(readFileSync(plain, 'utf8')).not.toContain('transfer: model vs single-task');
  });

  it('writes report-<run>-vs-<run>.html in the current directory without --out', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dtrn-report-cwd-'));
    expect(await dtrn(['report', a, b], cwd)).toBe(join(cwd, 'report-base-vs-other.html'));
  });

  it('aligns the real reproduction logs (control and full conflict) in docs/results', async () => {
    const logs = join(import.meta.dirname, '..', '..', '..', 'docs', 'results', 'logs');
    for (const name of ['control', 'full-conflict'])
      cpSync(join(logs, name), join(root, 'logs', name), { recursive: true });
    const out = join(root, 'logs.html');
    await dtrn(['report', join(root, 'logs', 'control'), join(root, 'logs', 'full-conflict'), '--out', out]);
    const charts = pageJson(readFileSync(out, 'utf8'), 'dtrn-chart-data');
    expect(charts.finalAuc[0].models).toEqual([
      'shared-bottom',
      'ple',
      'dtrn-ple',
      'dtrn-ple-no-tim',
      'dtrn-ple-no-trm',
    ]);
    expect(charts.finalAuc[0].runs[0].values.slice(3)).toEqual([null, null]);
    expect(charts.finalAuc[0].runs[1].seedPoints[2]).toHaveLength(5);
  });
});

describe('dtrn report on broken runs', () => {
  const root = mkdtempSync(join(tmpdir(), 'dtrn-report-broken-'));
  const good = writeFixtureRun(root, BASE);

  it('names the directory and file of a run without results.json', async () => {
    const empty = join(root, 'unfinished');
    cpSync(join(good, 'config.json'), join(empty, 'config.json'));
    await expect(dtrn(['report', good, empty])).rejects.toThrow(
      `${empty}/results.json: ${empty} is not a finished run: it has no results.json`,
    );
  });

  it('names a run directory that does not exist', async () => {
    await expect(dtrn(['report', good, join(root, 'typo')])).rejects.toThrow(
      `run directory ${join(root, 'typo')} does not exist`,
    );
  });

  it('names the field of a results.json that lacks what the report reads', async () => {
    const dir = writeFixtureRun(root, { ...BASE, name: 'tampered' });
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    results.runs[1].history = 'none';
    writeFileSync(join(dir, 'results.json'), JSON.stringify(results));
    await expect(dtrn(['report', dir])).rejects.toThrow(`${dir}/results.json, field runs[1].history:`);
  });

  it('names the line of a broken metrics.jsonl', async () => {
    const dir = writeFixtureRun(root, { ...BASE, name: 'bad-metrics' });
    writeFileSync(join(dir, 'metrics.jsonl'), '{"model":"ple","seed":3,"stepLosses":[]}\n{"model":"ple",\n');
    await expect(dtrn(['report', dir])).rejects.toThrow(`${dir}/metrics.jsonl:2`);
  });

  it('refuses --out on a directory and --out with one run', async () => {
    await expect(dtrn(['report', good, good, '--out', root])).rejects.toThrow(`--out ${root} is a directory`);
    await expect(dtrn(['report', good, '--out', join(root, 'x.html')])).rejects.toThrow(
      '--out is for several runs',
    );
  });
});
