/* sipas dashboard charts. Load after /static/vendor/chart.js/chart.umd.min.js (both defer).
   Every <canvas data-chart='{…}'> (usually class "chart") becomes a Chart.js chart. The JSON:
     type       "bar" | "line" | "scatter"
     labels     category labels (bar, line); for scatter, optional names of the points
     datasets   [{label, data, …any Chart.js dataset option}]; scatter data: [{x, y, label}]
     options    optional Chart.js options, merged over the defaults below
     title      optional chart title; also the canvas's accessible name when it has none
     yMin/yMax, xMin/xMax   optional axis bounds
     xLabel/yLabel          optional axis titles
     refLines   [{value: 82.66, label: "MoHA 2023", color?}] dashed lines across the value axis
     quadrantX/quadrantY, quadrants {tl, tr, bl, br}   scatter: dashed dividers and corner labels
   The canvas's own content (e.g. a table) stays the fallback without JavaScript. */
(function () {
  'use strict';

  var Chart = window.Chart;
  if (!Chart) return;

  var lang = document.documentElement.lang || 'vi';
  var INK = '#1b2430';
  var MUTED = '#55616f';
  var GRID = '#d5dce3';
  var REF = '#b3261e';
  // Okabe–Ito: distinguishable with the common colour-vision deficiencies; yellow last (low contrast on white).
  var PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#56b4e9', '#e69f00', '#000000', '#f0e442'];
  var POINT_STYLES = ['circle', 'rect', 'triangle', 'rectRot', 'crossRot', 'star', 'rectRounded', 'cross'];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];

  var numberFormat;
  try {
    numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  } catch (e) {
    numberFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
  }
  function fmt(v) {
    return typeof v === 'number' && isFinite(v) ? numberFormat.format(v) : String(v);
  }

  Chart.defaults.font.family = '"Be Vietnam Pro", system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif';
  Chart.defaults.font.size = 13;
  Chart.defaults.color = INK;
  Chart.defaults.borderColor = GRID;
  Chart.defaults.animation = false;

  function isObject(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  }

  // Copies src into dst recursively (plain objects only; arrays and values replace).
  function merge(dst, src) {
    if (!isObject(src)) return dst;
    Object.keys(src).forEach(function (k) {
      if (isObject(src[k]) && isObject(dst[k])) merge(dst[k], src[k]);
      else dst[k] = src[k];
    });
    return dst;
  }

  function withAlpha(hex, alpha) {
    var m = /^#([0-9a-f]{6})$/i.exec(hex);
    if (!m) return hex;
    var n = parseInt(m[1], 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
  }

  function drawText(ctx, text, x, y, color) {
    ctx.lineJoin = 'round';
    ctx.lineWidth = 4;
    ctx.strokeStyle = 'rgba(255,255,255,0.9)';
    ctx.strokeText(text, x, y);
    ctx.fillStyle = color;
    ctx.fillText(text, x, y);
  }

  function font(size, weight, style) {
    return (style || '') + ' ' + (weight || 400) + ' ' + size + 'px ' + Chart.defaults.font.family;
  }

  /* ---- plugin: dashed reference lines across the value axis ---- */
  var refLinesPlugin = {
    id: 'sipasRefLines',
    afterDatasetsDraw: function (chart, args, opts) {
      var lines = opts && opts.lines;
      if (!lines || !lines.length) return;
      var horizontal = chart.options.indexAxis !== 'y'; // value axis is y unless bars lie down
      var scale = horizontal ? chart.scales.y : chart.scales.x;
      if (!scale) return;
      var area = chart.chartArea;
      var ctx = chart.ctx;
      ctx.save();
      var catScale = horizontal ? null : chart.scales.y;
      var catLabels = chart.data.labels || [];
      // the lines first, then every label over them, so a later line never crosses a label
      var drawn = [];
      lines.forEach(function (line, i) {
        if (typeof line.value !== 'number') return;
        var p = scale.getPixelForValue(line.value);
        if (!isFinite(p)) return;
        if (horizontal ? (p < area.top || p > area.bottom) : (p < area.left || p > area.right)) return;
        var color = line.color || REF;
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 2;
        ctx.strokeStyle = color;
        ctx.beginPath();
        if (horizontal) { ctx.moveTo(area.left, p); ctx.lineTo(area.right, p); } else { ctx.moveTo(p, area.top); ctx.lineTo(p, area.bottom); }
        ctx.stroke();
        drawn.push({ line: line, i: i, p: p, color: color });
      });
      ctx.setLineDash([]);
      ctx.font = font(12, 600);
      drawn.forEach(function (d) {
        var line = d.line, i = d.i, p = d.p, color = d.color;
        var text = (line.label ? line.label + ': ' : '') + fmt(line.value);
        // a light box behind the label keeps it readable over bars and grid lines
        var w = ctx.measureText(text).width, h = 16;
        ctx.fillStyle = 'rgba(255,255,255,0.96)';
        if (horizontal) {
          // above the line; successive lines alternate right and left so close lines stay readable
          var right = i % 2 === 0;
          var hx = right ? area.right - 4 : area.left + 4;
          ctx.fillRect(right ? hx - w - 4 : hx - 4, p - 3 - h, w + 8, h);
          ctx.textAlign = right ? 'right' : 'left';
          ctx.textBaseline = 'bottom';
          drawText(ctx, text, hx, p - 4, color);
        } else {
          // right of the line when there is room, else left of it, never outside the plot
          var tx = p + 4 + w <= area.right - 2 ? p + 4 : p - 4 - w;
          tx = Math.max(area.left + 2, Math.min(tx, area.right - 2 - w));
          var ty = area.top + 1 + i * (h + 2); // one row per line: close lines' labels do not overlap
          // when the page left the i-th category row empty for it, centre the label in that row
          if (catScale && catLabels[i] === '' && typeof catScale.getPixelForValue === 'function') {
            var cy = catScale.getPixelForValue(i);
            if (isFinite(cy)) ty = Math.max(area.top + 1, cy - h / 2);
          }
          ctx.fillRect(tx - 2, ty, w + 6, h);
          ctx.textAlign = 'left';
          ctx.textBaseline = 'top';
          drawText(ctx, text, tx, ty + 1, color);
        }
      });
      ctx.restore();
    }
  };

  /* ---- plugin: priority matrix (scatter) — quadrant dividers, corner labels, point labels ---- */
  var matrixPlugin = {
    id: 'sipasMatrix',
    beforeDatasetsDraw: function (chart, args, opts) {
      if (!opts || chart.config.type !== 'scatter') return;
      var area = chart.chartArea;
      var ctx = chart.ctx;
      var xs = chart.scales.x, ys = chart.scales.y;
      ctx.save();
      ctx.setLineDash([5, 5]);
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = MUTED;
      if (typeof opts.x === 'number' && xs) {
        var px = xs.getPixelForValue(opts.x);
        if (px >= area.left && px <= area.right) { ctx.beginPath(); ctx.moveTo(px, area.top); ctx.lineTo(px, area.bottom); ctx.stroke(); }
      }
      if (typeof opts.y === 'number' && ys) {
        var py = ys.getPixelForValue(opts.y);
        if (py >= area.top && py <= area.bottom) { ctx.beginPath(); ctx.moveTo(area.left, py); ctx.lineTo(area.right, py); ctx.stroke(); }
      }
      ctx.setLineDash([]);
      var q = opts.quadrants || {};
      ctx.font = font(12, 600, 'italic');
      var pad = 6;
      [['tl', 'left', 'top', area.left + pad, area.top + pad],
        ['tr', 'right', 'top', area.right - pad, area.top + pad],
        ['bl', 'left', 'bottom', area.left + pad, area.bottom - pad],
        ['br', 'right', 'bottom', area.right - pad, area.bottom - pad]].forEach(function (c) {
        if (!q[c[0]]) return;
        ctx.textAlign = c[1];
        ctx.textBaseline = c[2];
        drawText(ctx, String(q[c[0]]), c[3], c[4], MUTED);
      });
      ctx.restore();
    },
    afterDatasetsDraw: function (chart, args, opts) {
      if (!opts || chart.config.type !== 'scatter' || opts.pointLabels === false) return;
      var area = chart.chartArea;
      var ctx = chart.ctx;
      ctx.save();
      ctx.font = font(12, 600);
      ctx.textBaseline = 'middle';
      chart.data.datasets.forEach(function (ds, i) {
        var meta = chart.getDatasetMeta(i);
        if (meta.hidden || !chart.isDatasetVisible(i)) return;
        meta.data.forEach(function (el, j) {
          var label = pointLabel(chart, ds, j);
          if (!label || !isFinite(el.x) || !isFinite(el.y)) return;
          var w = ctx.measureText(label).width;
          var right = el.x + 8 + w <= area.right;
          ctx.textAlign = right ? 'left' : 'right';
          drawText(ctx, label, right ? el.x + 8 : el.x - 8, el.y, INK);
        });
      });
      ctx.restore();
    }
  };

  function pointLabel(chart, ds, j) {
    var p = ds.data[j];
    if (p && typeof p === 'object' && p.label != null) return String(p.label);
    var labels = chart.data.labels;
    return labels && labels[j] != null ? String(labels[j]) : '';
  }

  /* ---- building one chart ---- */

  function styleDatasets(type, datasets) {
    return datasets.map(function (ds, i) {
      var color = PALETTE[i % PALETTE.length];
      var d = merge({}, ds);
      if (type === 'bar') {
        if (d.backgroundColor == null) d.backgroundColor = color;
        if (d.borderColor == null) d.borderColor = color;
        if (d.borderWidth == null) d.borderWidth = 0;
        if (d.maxBarThickness == null) d.maxBarThickness = 48;
      } else if (type === 'line') {
        if (d.borderColor == null) d.borderColor = color;
        if (d.backgroundColor == null) d.backgroundColor = color;
        if (d.borderWidth == null) d.borderWidth = 2.5;
        if (d.pointStyle == null) d.pointStyle = POINT_STYLES[i % POINT_STYLES.length];
        if (d.pointRadius == null) d.pointRadius = 4;
        if (d.borderDash == null) d.borderDash = DASHES[i % DASHES.length];
        if (d.spanGaps == null) d.spanGaps = false;
        if (d.tension == null) d.tension = 0;
      } else if (type === 'scatter') {
        if (d.backgroundColor == null) d.backgroundColor = withAlpha(color, 0.85);
        if (d.borderColor == null) d.borderColor = '#ffffff';
        if (d.borderWidth == null) d.borderWidth = 1.5;
        if (d.pointStyle == null) d.pointStyle = POINT_STYLES[i % POINT_STYLES.length];
        if (d.pointRadius == null) d.pointRadius = 6;
        if (d.pointHoverRadius == null) d.pointHoverRadius = 8;
      }
      return d;
    });
  }

  function buildConfig(spec) {
    var type = spec.type === 'line' || spec.type === 'scatter' ? spec.type : 'bar';
    var datasets = styleDatasets(type, Array.isArray(spec.datasets) ? spec.datasets : []);
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      locale: lang,
      resizeDelay: 100,
      interaction: type === 'scatter' ? { mode: 'nearest', intersect: true } : { mode: 'index', intersect: false },
      scales: {
        x: { grid: { display: type !== 'bar' }, ticks: { maxRotation: 45, autoSkip: true } },
        y: { grid: { color: GRID }, ticks: {} }
      },
      plugins: {
        legend: { display: datasets.length > 1, labels: { usePointStyle: type !== 'bar', boxWidth: 14 } },
        title: spec.title ? { display: true, text: String(spec.title), font: { size: 15, weight: '600' }, padding: { bottom: 12 } } : { display: false },
        tooltip: {
          callbacks: {
            label: function (item) {
              var name = item.dataset.label ? item.dataset.label + ': ' : '';
              if (type === 'scatter') return name + fmt(item.parsed.x) + '; ' + fmt(item.parsed.y);
              var v = item.chart.options.indexAxis === 'y' ? item.parsed.x : item.parsed.y;
              return name + fmt(v);
            }
          }
        },
        sipasRefLines: { lines: Array.isArray(spec.refLines) ? spec.refLines : [] },
        sipasMatrix: type === 'scatter' ? { x: spec.quadrantX, y: spec.quadrantY, quadrants: spec.quadrants || {} } : false
      }
    };
    if (type === 'scatter') {
      options.plugins.tooltip.callbacks.title = function (items) {
        return items.length ? pointLabel(items[0].chart, items[0].dataset, items[0].dataIndex) : '';
      };
      options.scales.x.type = 'linear';
      options.scales.x.grid = { color: GRID };
    }
    merge(options, isObject(spec.options) ? spec.options : {});

    var valueAxis = options.indexAxis === 'y' ? 'x' : 'y';
    var catAxis = valueAxis === 'y' ? 'x' : 'y';
    if (type !== 'scatter' && options.indexAxis === 'y') {
      // horizontal bars: the grid belongs to the value axis
      options.scales[valueAxis].grid = merge({ display: true, color: GRID }, (isObject(spec.options) && spec.options.scales && spec.options.scales[valueAxis] && spec.options.scales[valueAxis].grid) || {});
      options.scales[catAxis].grid = merge({ display: false }, (isObject(spec.options) && spec.options.scales && spec.options.scales[catAxis] && spec.options.scales[catAxis].grid) || {});
    }
    var yAxis = type === 'scatter' ? 'y' : valueAxis;
    if (typeof spec.yMin === 'number') options.scales[yAxis].min = spec.yMin;
    if (typeof spec.yMax === 'number') options.scales[yAxis].max = spec.yMax;
    if (type === 'scatter') {
      if (typeof spec.xMin === 'number') options.scales.x.min = spec.xMin;
      if (typeof spec.xMax === 'number') options.scales.x.max = spec.xMax;
    }
    if (spec.xLabel) options.scales.x.title = { display: true, text: String(spec.xLabel) };
    if (spec.yLabel) options.scales.y.title = { display: true, text: String(spec.yLabel) };

    // keep reference lines and quadrant dividers inside the plot unless bounds were fixed
    var include = function (axis, values) {
      var s = options.scales[axis];
      values = values.filter(function (v) { return typeof v === 'number' && isFinite(v); });
      if (!values.length) return;
      var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
      if (s.min == null) s.suggestedMin = s.suggestedMin == null ? lo : Math.min(s.suggestedMin, lo);
      if (s.max == null) s.suggestedMax = s.suggestedMax == null ? hi : Math.max(s.suggestedMax, hi);
    };
    include(type === 'scatter' ? 'y' : valueAxis, (spec.refLines || []).map(function (l) { return l && l.value; }));
    if (type === 'scatter') {
      include('x', [spec.quadrantX]);
      include('y', [spec.quadrantY]);
    }

    return {
      type: type,
      data: { labels: Array.isArray(spec.labels) ? spec.labels : undefined, datasets: datasets },
      options: options,
      plugins: [refLinesPlugin, matrixPlugin]
    };
  }

  function accessibleName(spec) {
    if (spec.title) return String(spec.title);
    var names = (spec.datasets || []).map(function (d) { return d && d.label; }).filter(Boolean);
    return names.join(', ');
  }

  var charts = [];

  function init(canvas) {
    if (canvas.getAttribute('data-chart-ready')) return;
    var spec;
    try {
      spec = JSON.parse(canvas.getAttribute('data-chart'));
    } catch (e) {
      console.warn('sipas: bad data-chart JSON', canvas, e);
      return;
    }
    if (!isObject(spec)) return;
    canvas.setAttribute('data-chart-ready', '1');

    // Chart.js sizes the canvas from its parent: give it a parent of its own with a set height.
    var box = canvas.parentElement;
    if (!box || !box.classList.contains('chart-box')) {
      box = document.createElement('div');
      box.className = 'chart-box';
      if (spec.tall) box.classList.add('tall');
      canvas.parentNode.insertBefore(box, canvas);
      box.appendChild(canvas);
    }
    if (!canvas.hasAttribute('role')) canvas.setAttribute('role', 'img');
    if (!canvas.hasAttribute('aria-label') && !canvas.hasAttribute('aria-labelledby')) {
      var name = accessibleName(spec);
      if (name) canvas.setAttribute('aria-label', name);
    }
    try {
      charts.push(new Chart(canvas, buildConfig(spec)));
    } catch (e) {
      canvas.removeAttribute('data-chart-ready');
      console.warn('sipas: chart failed', canvas, e);
    }
  }

  function initAll() {
    Array.prototype.forEach.call(document.querySelectorAll('canvas[data-chart]'), init);
  }

  // Lay the charts out once the page's web font is there: labels measured with the fallback
  // font would be clipped when Be Vietnam Pro arrives. Never wait more than 1.5 s.
  function start() {
    var done = false;
    var go = function () { if (!done) { done = true; initAll(); } };
    if (document.fonts && typeof document.fonts.load === 'function') {
      // ask for the faces the charts use (with Vietnamese letters, so that subset comes too)
      var sample = 'Aa Đđ Ưư Ơơ ệ ố 0123';
      Promise.all(['400 13px', '600 12px', '600 15px'].map(function (f) {
        return document.fonts.load(f + ' "Be Vietnam Pro"', sample);
      })).then(go, go);
      setTimeout(go, 1500);
    } else {
      go();
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();

  window.addEventListener('beforeprint', function () {
    charts.forEach(function (c) { c.resize(); });
  });
  window.addEventListener('afterprint', function () {
    charts.forEach(function (c) { c.resize(); });
  });

  // for pages that add charts later (e.g. after a filter change)
  window.sipasCharts = { init: initAll, charts: charts };
})();
