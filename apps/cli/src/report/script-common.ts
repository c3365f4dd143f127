/**
 * Browser code every report page shares (plain ES2020 inside the page's IIFE, against the inlined
 * Chart.js UMD build): colours, two Chart.js plugins of ours (CI whiskers and per-seed points over
 * bars), figure creation, and line charts of a mean with a min-max band over seeds. Kept as a
 * string: it runs in the page, not in Node. The headless-Chromium tests check it runs without errors.
 */
export const SCRIPT_COMMON = `
var PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
function color(i, alpha) {
  var hex = PALETTE[i % PALETTE.length];
  if (alpha === undefined) return hex;
  var n = parseInt(hex.slice(1), 16);
  return 'rgba(' + ((n >> 16) & 255) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
}
function readJson(id) { return JSON.parse(document.getElementById(id).textContent); }

// Over bar i: errorBars[i] = { lower, upper } as whiskers, seedPoints[i] = [{ seed, value }] as dots.
function eachBar(chart, key, draw) {
  chart.data.datasets.forEach(function (dataset, datasetIndex) {
    if (!dataset[key] || !chart.isDatasetVisible(datasetIndex)) return;
    var meta = chart.getDatasetMeta(datasetIndex);
    var scale = chart.scales[meta.yAxisID];
    meta.data.forEach(function (bar, index) {
      var entry = dataset[key][index];
      if (entry) draw(chart.ctx, bar, entry, scale);
    });
  });
}
Chart.register({
  id: 'dtrnErrorBars',
  afterDatasetsDraw: function (chart) {
    eachBar(chart, 'errorBars', function (ctx, bar, interval, scale) {
      if (interval.lower === null || interval.upper === null) return;
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
    eachBar(chart, 'seedPoints', function (ctx, bar, points, scale) {
      var spread = Math.max(4, (bar.width || 10) * 0.6);
      ctx.save();
      points.forEach(function (point, p) {
        if (point.value === null) return;
        var x = points.length > 1 ? bar.x - spread / 2 + (spread * p) / (points.length - 1) : bar.x;
        ctx.beginPath();
        ctx.arc(x, scale.getPixelForValue(point.value), 2.6, 0, 2 * Math.PI);
        ctx.fillStyle = '#fff'; ctx.fill();
        ctx.strokeStyle = '#111'; ctx.lineWidth = 1.2; ctx.stroke();
      });
      ctx.restore();
    });
  },
});
Chart.defaults.animation = false;
Chart.defaults.responsive = true;
Chart.defaults.maintainAspectRatio = false;

function seedLabel(point, index) { return point.seed === null ? '#' + (index + 1) : 'seed ' + point.seed; }
// Tooltip lines listing each seed's value of the hovered bar.
var seedTooltip = {
  callbacks: {
    afterLabel: function (item) {
      var points = item.dataset.seedPoints && item.dataset.seedPoints[item.dataIndex];
      if (!points || points.length === 0) return '';
      return points.map(function (point, index) {
        return seedLabel(point, index) + ': ' + (point.value === null ? 'n/a' : point.value.toFixed(4));
      });
    },
  },
};
// Lowest and highest value of bars, whiskers and seed points (for the value axis).
function extent(datasets) {
  var values = [];
  datasets.forEach(function (dataset) {
    dataset.data.forEach(function (value) { if (value !== null) values.push(value); });
    (dataset.errorBars || []).forEach(function (e) { if (e && e.lower !== null) values.push(e.lower, e.upper); });
    (dataset.seedPoints || []).forEach(function (points) {
      (points || []).forEach(function (point) { if (point.value !== null) values.push(point.value); });
    });
  });
  return values.length > 0 ? { min: Math.min.apply(null, values), max: Math.max.apply(null, values) } : { min: 0, max: 1 };
}

function addCanvas(sectionId, title) {
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
  document.getElementById(sectionId).appendChild(figure);
  return canvas;
}
function note(sectionId, text) {
  var p = document.createElement('p');
  p.className = 'note';
  p.textContent = text;
  document.getElementById(sectionId).appendChild(p);
}

// Curves { label, x, mean, lower, upper }: a line of the mean over a shaded min-max band per curve
// (bands off: the mean only). style(index) may set colorIndex and borderDash.
function bandChart(sectionId, title, curves, xLabel, yLabel, bands, style) {
  var datasets = [];
  curves.forEach(function (curve, index) {
    var look = style ? style(index) : { colorIndex: index };
    var points = function (values) { return curve.x.map(function (x, i) { return { x: x, y: values[i] }; }); };
    if (bands) {
      datasets.push({ label: curve.label + ' (lowest seed)', band: true, data: points(curve.lower), borderWidth: 0, pointRadius: 0, fill: false, spanGaps: true });
      datasets.push({ label: curve.label + ' (highest seed)', band: true, data: points(curve.upper), borderWidth: 0, pointRadius: 0, fill: '-1', backgroundColor: color(look.colorIndex, 0.15), spanGaps: true });
    }
    datasets.push({ label: curve.label, data: points(curve.mean), borderColor: color(look.colorIndex), backgroundColor: color(look.colorIndex, 0.2), borderDash: look.borderDash || [], pointRadius: curve.x.length > 40 ? 0 : 2, spanGaps: true, tension: 0.1 });
  });
  var notBand = function (item) { return !datasets[item.datasetIndex].band; };
  new Chart(addCanvas(sectionId, title), {
    type: 'line',
    data: { datasets: datasets },
    options: {
      scales: { x: { type: 'linear', title: { display: true, text: xLabel }, ticks: { precision: 0 } }, y: { title: { display: true, text: yLabel } } },
      plugins: { legend: { labels: { filter: notBand } }, tooltip: { filter: notBand } },
    },
  });
}
`;
