/**
 * The browser script of a one-run report.html (after `SCRIPT_COMMON`, plain ES2020): reads the
 * chart data from `#dtrn-chart-data` and draws every chart. Kept as a string: it runs in the page.
 */
export const REPORT_SCRIPT = `
var charts = readJson('dtrn-chart-data');

charts.curves.forEach(function (task) {
  bandChart('curves', task.task + ': training loss per epoch (line: mean over seeds; band: lowest to highest seed)', task.loss, 'epoch', 'loss', true);
  bandChart('curves', task.task + ': validation AUC per epoch (line: mean over seeds; band: lowest to highest seed)', task.validationAuc, 'epoch', 'AUC', true);
});
if (charts.curves.length === 0) note('curves', 'No epoch history recorded.');

charts.steps.forEach(function (task) {
  bandChart('steps', task.task + ': training loss per step (line: mean over seeds; band: lowest to highest seed)', task.loss, 'step', 'loss', true);
});
if (charts.steps.length === 0) note('steps', 'No per-step losses in metrics.jsonl (runs written before they were recorded, or no metrics.jsonl).');

// Final test AUC per task and model: bars of the mean, CI whiskers, a dot per seed; oracles as extra bars.
(function () {
  var datasets = charts.finalAuc.models.map(function (model, index) {
    return { label: model.model, data: model.values, backgroundColor: color(index, 0.6), errorBars: model.intervals, seedPoints: model.seedPoints };
  });
  charts.finalAuc.oracles.forEach(function (oracle, index) {
    datasets.push({ label: oracle.label, data: oracle.values, backgroundColor: 'rgba(120,120,120,' + (0.25 + 0.15 * index) + ')', borderColor: '#555', borderWidth: 1 });
  });
  var range = extent(datasets);
  var lowest = Math.min(1, range.min);
  new Chart(addCanvas('final-auc', 'Test AUC per task (bars: mean over seeds; whiskers: ' + charts.finalAuc.intervalLabel + '; dots: each seed)'), {
    type: 'bar',
    data: { labels: charts.finalAuc.tasks, datasets: datasets },
    options: {
      scales: {
        y: {
          min: Math.max(0, Math.floor((lowest - 0.02) * 50) / 50),
          suggestedMax: Math.min(1, range.max + 0.005),
          title: { display: true, text: 'AUC' },
        },
      },
      plugins: { tooltip: seedTooltip },
    },
  });
})();

// AUC gains over the base head: bars, paired bootstrap CI whiskers, a dot per seed.
if (charts.gains.labels.length > 0) {
  var gainSets = charts.gains.tasks.map(function (task, index) {
    return { label: task.task, data: task.values, backgroundColor: color(index, 0.6), errorBars: task.intervals, seedPoints: task.seedPoints };
  });
  var gainRange = extent(gainSets);
  new Chart(addCanvas('gains', 'AUC gain over the base head (bars: mean over seeds; whiskers: paired bootstrap CI pooled over seeds; dots: each seed)'), {
    type: 'bar',
    data: { labels: charts.gains.labels, datasets: gainSets },
    options: {
      scales: { y: { suggestedMin: Math.min(0, gainRange.min), suggestedMax: Math.max(0, gainRange.max), title: { display: true, text: 'AUC(variant) - AUC(base)' } } },
      plugins: { tooltip: seedTooltip },
    },
  });
} else {
  note('gains', 'No DTRN variant was compared with its base head in this run.');
}

// TRM field weights: one horizontal bar chart per model, fields on the y axis, one series per task.
charts.fieldWeights.forEach(function (entry) {
  var canvas = addCanvas('field-weights', entry.model + ': mean TRM field weight per task (seed ' + entry.seed + ', test rows)');
  canvas.parentNode.style.height = Math.max(260, 22 * entry.fields.length + 80) + 'px';
  new Chart(canvas, {
    type: 'bar',
    data: {
      labels: entry.fields,
      datasets: entry.tasks.map(function (task, index) {
        return { label: task.task, data: task.weights, backgroundColor: task.weights.map(function (w) { return color(index, Math.min(1, 0.2 + 0.4 * w)); }), borderColor: color(index), borderWidth: 1 };
      }),
    },
    options: { indexAxis: 'y', scales: { x: { min: 0, max: 2, title: { display: true, text: 'weight (1 = unchanged)' } } } },
  });
});
if (charts.fieldWeights.length === 0) note('field-weights', 'No model of this run has a TRM (field weights come from DTRN models).');

// Gate utilisation: per model, one group per gate, one bar per expert.
charts.gates.forEach(function (entry) {
  var maxExperts = 0;
  entry.gates.forEach(function (gate) { maxExperts = Math.max(maxExperts, gate.expertWeights.length); });
  var datasets = [];
  for (var e = 0; e < maxExperts; e++) {
    datasets.push({
      label: 'expert ' + (e + 1),
      data: entry.gates.map(function (gate) { return gate.expertWeights[e] === undefined ? null : gate.expertWeights[e]; }),
      backgroundColor: color(e, 0.75),
    });
  }
  new Chart(addCanvas('gates', entry.model + ': mean gate weight per expert (seed ' + entry.seed + ', test rows)'), {
    type: 'bar',
    data: { labels: entry.gates.map(function (gate) { return gate.gate; }), datasets: datasets },
    options: { scales: { x: { stacked: true }, y: { stacked: true, min: 0, max: 1, title: { display: true, text: 'share of the gate' } } } },
  });
});
if (charts.gates.length === 0) note('gates', 'No model of this run has expert gates (MMoE and PLE heads do).');
`;
