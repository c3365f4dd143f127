/**
 * The browser script of the side-by-side report (after `SCRIPT_COMMON`, plain ES2020): one bar
 * series per run over the aligned models (gaps stay empty), and the runs' curves in one chart per
 * task and metric (colour: model, dash: run). Kept as a string: it runs in the page.
 */
export const COMPARISON_SCRIPT = `
var charts = readJson('dtrn-chart-data');
var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 6]];

function runBars(sectionId, title, labels, runs, yLabel, zeroBased) {
  var datasets = runs.map(function (run, index) {
    return { label: charts.labels[index], data: run.values, backgroundColor: color(index, 0.6), errorBars: run.intervals, seedPoints: run.seedPoints };
  });
  var range = extent(datasets);
  var y = zeroBased
    ? { suggestedMin: Math.min(0, range.min), suggestedMax: Math.max(0, range.max) }
    : { min: Math.max(0, Math.floor((Math.min(1, range.min) - 0.02) * 50) / 50), suggestedMax: Math.min(1, range.max + 0.005) };
  y.title = { display: true, text: yLabel };
  new Chart(addCanvas(sectionId, title), {
    type: 'bar',
    data: { labels: labels, datasets: datasets },
    options: { scales: { y: y }, plugins: { tooltip: seedTooltip } },
  });
}

charts.finalAuc.forEach(function (task) {
  runBars('final-auc', task.task + ': test AUC per model and run (bars: mean; whiskers: bootstrap CI; dots: each seed)', task.models, task.runs, 'AUC', false);
});
var anyGain = charts.gains.some(function (task) { return task.pairs.length > 0; });
if (anyGain) {
  charts.gains.forEach(function (task) {
    if (task.pairs.length === 0) return;
    runBars('gains', task.task + ': AUC gain over the base head per run (whiskers: paired bootstrap CI; dots: each seed)', task.pairs, task.runs, 'AUC(variant) - AUC(base)', true);
  });
} else {
  note('gains', 'No run compared a DTRN variant with its base head.');
}

charts.curves.forEach(function (task) {
  var style = function (curves) {
    return function (index) { return { colorIndex: curves[index].model, borderDash: DASHES[curves[index].run % DASHES.length] }; };
  };
  bandChart('curves', task.task + ': training loss per epoch', task.loss, 'epoch', 'loss', false, style(task.loss));
  bandChart('curves', task.task + ': validation AUC per epoch', task.validationAuc, 'epoch', 'AUC', false, style(task.validationAuc));
});
`;
