/**
 * The browser script of report.html (plain ES2020, runs offline against the inlined Chart.js UMD
 * build). Reads the results JSON from `#dtrn-results` and draws every chart. Kept as a string: it
 * runs in the page, not in Node. The headless-Chromium test checks it runs without console errors.
 */
export const REPORT_SCRIPT = `
(function () {
  'use strict';
  var results = JSON.parse(document.getElementById('dtrn-results').textContent);
  var charts = JSON.parse(document.getElementById('dtrn-chart-data').textContent);
  var PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  function color(i, alpha) {
    var hex = PALETTE[i % PALETTE.length];
    if (alpha === undefined) return hex;
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + ((n >> 16) & 255) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
  }

  // Error bars: datasets may carry errorBars[i] = { lower, upper } drawn over bar i.
  var errorBarPlugin = {
    id: 'dtrnErrorBars',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      chart.data.datasets.forEach(function (dataset, datasetIndex) {
        if (!dataset.errorBars || !chart.isDatasetVisible(datasetIndex)) return;
        var meta = chart.getDatasetMeta(datasetIndex);
        var scale = chart.scales[meta.yAxisID];
        meta.data.forEach(function (bar, index) {
          var interval = dataset.errorBars[index];
          if (!interval || interval.lower === null || interval.upper === null) return;
          var top = scale.getPixelForValue(interval.upper);
          var bottom = scale.getPixelForValue(interval.lower);
          var half = Math.max(2, Math.min(8, (bar.width || 10) / 4));
          ctx.save();
          ctx.strokeStyle = '#222';
          ctx.lineWidth = 1.2;
          ctx.beginPath();
          ctx.moveTo(bar.x, top); ctx.lineTo(bar.x, bottom);
          ctx.moveTo(bar.x - half, top); ctx.lineTo(bar.x + half, top);
          ctx.moveTo(bar.x - half, bottom); ctx.lineTo(bar.x + half, bottom);
          ctx.stroke();
          ctx.restore();
        });
      });
    },
  };
  Chart.register(errorBarPlugin);
  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;

  function addCanvas(sectionId, title) {
    var section = document.getElementById(sectionId);
    var figure = document.createElement('figure');
    figure.className = 'chart';
    var caption = document.createElement('figcaption');
    caption.textContent = title;
    var holder = document.createElement('div');
    holder.className = 'chart-holder';
    var canvas = document.createElement('canvas');
    holder.appendChild(canvas);
    figure.appendChild(caption);
    figure.appendChild(holder);
    section.appendChild(figure);
    return canvas;
  }

  function note(sectionId, text) {
    var p = document.createElement('p');
    p.className = 'note';
    p.textContent = text;
    document.getElementById(sectionId).appendChild(p);
  }

  function lineChart(sectionId, title, curves, yLabel) {
    var maxLength = 0;
    curves.forEach(function (curve) { maxLength = Math.max(maxLength, curve.values.length); });
    var labels = [];
    for (var i = 0; i < maxLength; i++) labels.push(String(i + 1));
    new Chart(addCanvas(sectionId, title), {
      type: 'line',
      data: {
        labels: labels,
        datasets: curves.map(function (curve, index) {
          return { label: curve.model, data: curve.values, borderColor: color(index), backgroundColor: color(index, 0.2), spanGaps: true, tension: 0.1 };
        }),
      },
      options: { scales: { x: { title: { display: true, text: 'epoch' } }, y: { title: { display: true, text: yLabel } } } },
    });
  }

  charts.curves.forEach(function (task) {
    lineChart('curves', task.task + ': training loss (mean over seeds)', task.loss, 'loss');
    lineChart('curves', task.task + ': validation AUC (mean over seeds)', task.validationAuc, 'AUC');
  });
  if (charts.curves.length === 0) note('curves', 'No epoch history recorded.');

  // Final test AUC per task and model, with CI error bars; oracles as extra bars.
  (function () {
    var lowest = 1;
    var datasets = charts.finalAuc.models.map(function (model, index) {
      model.values.forEach(function (value, k) {
        var interval = model.intervals[k];
        if (value !== null) lowest = Math.min(lowest, value);
        if (interval && interval.lower !== null) lowest = Math.min(lowest, interval.lower);
      });
      return { label: model.model, data: model.values, backgroundColor: color(index, 0.75), errorBars: model.intervals };
    });
    charts.finalAuc.oracles.forEach(function (oracle, index) {
      oracle.values.forEach(function (value) { if (value !== null) lowest = Math.min(lowest, value); });
      datasets.push({ label: oracle.label, data: oracle.values, backgroundColor: 'rgba(120,120,120,' + (0.25 + 0.15 * index) + ')', borderColor: '#555', borderWidth: 1 });
    });
    new Chart(addCanvas('final-auc', 'Test AUC per task (bars: mean over seeds; whiskers: ' + charts.finalAuc.intervalLabel + ')'), {
      type: 'bar',
      data: { labels: charts.finalAuc.tasks, datasets: datasets },
      options: { scales: { y: { min: Math.max(0, Math.floor((lowest - 0.02) * 50) / 50), title: { display: true, text: 'AUC' } } } },
    });
  })();

  // AUC gains over the base head with CIs.
  function bound(key, pick) {
    var value = 0;
    charts.gains.tasks.forEach(function (task) { task.intervals.forEach(function (interval) { value = pick(value, interval[key]); }); });
    return value;
  }
  if (charts.gains.labels.length > 0) {
    new Chart(addCanvas('gains', 'AUC gain over the base head (paired bootstrap CI, pooled over seeds)'), {
      type: 'bar',
      data: {
        labels: charts.gains.labels,
        datasets: charts.gains.tasks.map(function (task, index) {
          return { label: task.task, data: task.values, backgroundColor: color(index, 0.75), errorBars: task.intervals };
        }),
      },
      options: { scales: { y: { suggestedMin: bound('lower', Math.min), suggestedMax: bound('upper', Math.max), title: { display: true, text: 'AUC(variant) - AUC(base)' } } } },
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
  document.body.setAttribute('data-rendered', 'true');
})();
`;
