// The HTML report's fixed parts: its stylesheet (screen and print) and the script that
// draws the inlined charts in the browser.

export const STYLE = `
body { font-family: 'DejaVu Sans', 'Liberation Sans', Arial, 'NanumBarunGothic', sans-serif; color: #1f2328; max-width: 1100px; margin: 0 auto; padding: 16px; font-size: 14px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 24px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.meta, .note { color: #57606a; margin: 4px 0; }
.warning { background: #fff8c5; border: 1px solid #d4a72c; padding: 6px 10px; margin: 8px 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 4px 6px; text-align: right; vertical-align: top; }
th { background: #f6f8fa; }
th:first-child, td:first-child { text-align: left; overflow-wrap: anywhere; }
td.text { text-align: left; overflow-wrap: anywhere; }
td.best { font-weight: bold; background: #dafbe1; }
.run-id { color: #57606a; font-size: 0.8em; }
.incomplete { color: #9a6700; font-weight: bold; }
tr.incomplete td { background: #fff8c5; }
.keep-together { break-inside: avoid; page-break-inside: avoid; }
.chart { width: 100%; height: 420px; margin: 10px 0; break-inside: avoid; page-break-inside: avoid; }
.configs { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 0 16px; }
.configs table { break-inside: avoid; page-break-inside: avoid; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12px; background: #f6f8fa; padding: 8px; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 11px; }
  table { font-size: 9px; }
  th, td { padding: 2px 4px; }
  tr, th, td { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  /* A heading never ends a page: it moves to the next one with what follows it. */
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; break-inside: avoid; }
  h2 + .note, h3 + .chart { break-before: avoid; page-break-before: avoid; }
  .chart { height: auto !important; }
  .chart > div:first-child { width: 100% !important; height: auto !important; }
  .chart svg { position: static !important; display: block; width: 100% !important; height: auto !important; }
  details > pre { display: block; }
}
`

// Runs in the browser: draws every chart from the inlined JSON. A chart that fails says so in
// its box (and on the console) instead of leaving a blank space. The viewBox lets the print
// style scale a chart drawn at screen width down to the page width.
export const INIT_SCRIPT = `
(function () {
  var defs = JSON.parse(document.getElementById('run-bench-charts').textContent);
  var charts = [];
  function fit(chart) {
    var svg = chart.getDom().querySelector('svg');
    if (svg) svg.setAttribute('viewBox', '0 0 ' + chart.getWidth() + ' ' + chart.getHeight());
  }
  defs.forEach(function (def) {
    var el = document.getElementById(def.id);
    if (!el) return;
    try {
      var chart = echarts.init(el, null, { renderer: 'svg' });
      chart.setOption(def.option);
      fit(chart);
      charts.push(chart);
    } catch (err) {
      var message = String((err && err.message) || err);
      el.setAttribute('data-chart-error', message);
      el.textContent = 'This chart could not be drawn: ' + message;
      console.error('run-bench chart ' + def.id + ': ' + message);
    }
  });
  // While printing, the print style scales each chart through its viewBox; a resize then
  // would measure the auto-height print box and collapse the chart.
  window.addEventListener('resize', function () {
    if (window.matchMedia('print').matches) return;
    charts.forEach(function (chart) { chart.resize(); fit(chart); });
  });
})();
`
