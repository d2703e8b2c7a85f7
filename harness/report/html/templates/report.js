// bootspec report client: matrix filters, charts from the embedded specs, copy buttons.
// Plain ES2020 with no imports: the page must work from file:// with no network.
(function () {
  'use strict';
  var state = { charts: 0, chartErrors: [] };
  window.bootspecReport = state;

  // ---- matrix filters --------------------------------------------------------------------------
  function byId(id) { return document.getElementById(id); }
  var search = byId('f-search'), area = byId('f-area'), verdict = byId('f-verdict'), level = byId('f-level');
  var PROBLEMS = ['fail', 'warn', 'error'];

  function rowMatches(row) {
    var q = search.value.trim().toLowerCase();
    if (q && row.dataset.id.toLowerCase().indexOf(q) < 0 && row.dataset.title.indexOf(q) < 0) return false;
    if (area.value && row.dataset.area !== area.value) return false;
    if (level.value && row.dataset.level !== level.value) return false;
    var verdicts = row.dataset.verdicts.split(' ');
    if (verdict.value === 'problems') return verdicts.some(function (v) { return PROBLEMS.indexOf(v) >= 0; });
    if (verdict.value) return verdicts.indexOf(verdict.value) >= 0;
    return true;
  }

  function applyFilters() {
    var shown = 0, total = 0;
    document.querySelectorAll('#matrix-table tbody.area').forEach(function (body) {
      var any = false;
      body.querySelectorAll('tr.scenario').forEach(function (row) {
        var ok = rowMatches(row);
        row.hidden = !ok;
        total += 1;
        if (ok) { shown += 1; any = true; }
      });
      body.hidden = !any;
    });
    byId('f-count').textContent = 'showing ' + shown + ' of ' + total + ' scenarios';
    byId('f-empty').hidden = shown > 0;
    var params = new URLSearchParams();
    if (search.value) params.set('q', search.value);
    if (area.value) params.set('area', area.value);
    if (verdict.value) params.set('verdict', verdict.value);
    if (level.value) params.set('level', level.value);
    try { sessionStorage.setItem('bootspec-filters', params.toString()); } catch (e) { /* file:// may refuse storage */ }
  }

  if (search) {
    try {
      var saved = new URLSearchParams(sessionStorage.getItem('bootspec-filters') || '');
      search.value = saved.get('q') || '';
      area.value = saved.get('area') || '';
      verdict.value = saved.get('verdict') || '';
      level.value = saved.get('level') || '';
    } catch (e) { /* no storage */ }
    [search, area, verdict, level].forEach(function (el) { el.addEventListener('input', applyFilters); el.addEventListener('change', applyFilters); });
    applyFilters();
  }

  // ---- case pages ------------------------------------------------------------------------------
  window.addEventListener('hashchange', function () {
    if (document.querySelector('.case:target')) window.scrollTo(0, 0);
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && document.querySelector('.case:target')) location.hash = '#matrix';
  });
  document.addEventListener('click', function (e) {
    var button = e.target.closest && e.target.closest('button[data-copy]');
    if (!button) return;
    var text = button.getAttribute('data-copy');
    var done = function () { button.textContent = 'copied'; setTimeout(function () { button.textContent = 'copy'; }, 1500); };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, function () { button.textContent = 'select and copy'; });
    else button.textContent = 'select and copy';
  });

  // ---- charts ----------------------------------------------------------------------------------
  function trim(n) { return Number(n.toPrecision(3)).toString(); }
  var FORMAT = {
    us: function (v) { return v >= 1000 ? trim(v / 1000) + ' ms' : trim(v) + ' µs'; },
    ms: function (v) { return trim(v) + ' ms'; },
    MB: function (v) { return trim(v) + ' MB'; },
    perSec: function (v) { return v >= 1000 ? trim(v / 1000) + 'k/s' : trim(v) + '/s'; },
    pct: function (v) { return (v > 0 ? '+' : '') + trim(v) + '%'; },
    count: function (v) { return String(v); },
    envs: function (v) { return String(v); },
    percentile: function (x) { var q = 1 - 1 / x; return trim(q * 100) + '%'; },
    date: function (ms) { return new Date(ms).toISOString().slice(0, 16).replace('T', ' '); },
  };
  // Log axes get a label only at 1, 2 and 5 times a power of ten.
  function niceLog(v) { var m = v / Math.pow(10, Math.floor(Math.log10(v)) ); return Math.abs(m - 1) < 1e-6 || Math.abs(m - 2) < 1e-6 || Math.abs(m - 5) < 1e-6; }
  function nicePercentile(x) { var l = Math.log10(x); return Math.abs(l - Math.round(l)) < 1e-6 || Math.abs(x - 2) < 1e-6; }

  function decorateAxis(scale, unit, labels) {
    if (!scale || !unit || !FORMAT[unit]) return;
    scale.ticks = scale.ticks || {};
    var f = FORMAT[unit];
    if (labels) {
      scale.ticks.callback = function (value) { return f(Number(labels[value])); };
    } else if (scale.type === 'logarithmic') {
      scale.ticks.callback = function (value) { return (unit === 'percentile' ? nicePercentile(value) : niceLog(value)) ? f(value) : ''; };
    } else {
      scale.ticks.callback = function (value) { return f(value); };
    }
  }

  var zeroLine = {
    id: 'bootspecZeroLine',
    afterDatasetsDraw: function (chart) {
      var x = chart.scales.x;
      if (!chart.options.bootspecZero || !x || x.min > 0 || x.max < 0) return;
      var ctx = chart.ctx, px = x.getPixelForValue(0);
      ctx.save(); ctx.strokeStyle = '#1d2129'; ctx.lineWidth = 1.5; ctx.beginPath();
      ctx.moveTo(px, chart.chartArea.top); ctx.lineTo(px, chart.chartArea.bottom); ctx.stroke(); ctx.restore();
    },
  };

  function build(spec) {
    var config = spec.config, options = config.options = config.options || {};
    options.scales = options.scales || {};
    var labels = config.type === 'bar' && spec.units.x && !options.indexAxis ? config.data.labels : null;
    decorateAxis(options.scales.x = options.scales.x || {}, spec.units.x, labels);
    decorateAxis(options.scales.y = options.scales.y || {}, spec.units.y, null);
    if (spec.units.x === 'pct') options.bootspecZero = true;
    var fx = FORMAT[spec.units.x], fy = FORMAT[spec.units.y];
    options.plugins = options.plugins || {};
    options.plugins.tooltip = {
      callbacks: {
        label: function (item) {
          var raw = item.raw, name = item.dataset.label ? item.dataset.label + ': ' : '';
          if (Array.isArray(raw)) return name + fx(raw[0]) + ' … ' + fx(raw[1]);
          if (raw && typeof raw === 'object') return name + (fy ? fy(raw.y) : raw.y) + (raw.v !== undefined && FORMAT[raw.u] ? ' (' + FORMAT[raw.u](raw.v) + ')' : '') + (fx && spec.units.x !== 'date' ? ' at ' + fx(raw.x) : '');
          var f = options.indexAxis === 'y' ? fx : fy;
          return name + (f ? f(raw) : raw);
        },
        title: function (items) {
          var it = items[0];
          if (!it) return '';
          if (labels) return fx(Number(labels[it.dataIndex]));
          if (spec.units.x === 'date') return FORMAT.date(it.parsed.x);
          return it.label;
        },
      },
    };
    return config;
  }

  function drawCharts() {
    if (typeof Chart === 'undefined') { state.chartErrors.push('Chart.js did not load'); console.error('bootspec report: Chart.js did not load'); return; }
    Chart.register(zeroLine);
    Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
    var specs = JSON.parse(byId('bootspec-charts').textContent || '[]');
    specs.forEach(function (spec) {
      var canvas = byId(spec.id);
      if (!canvas) return;
      try { new Chart(canvas, build(spec)); state.charts += 1; }
      catch (e) { state.chartErrors.push(spec.id + ': ' + e.message); console.error('bootspec report: chart ' + spec.id + ' failed: ' + e.message); canvas.replaceWith(document.createTextNode('Chart could not be drawn: ' + spec.title)); }
    });
  }
  drawCharts();
})();
