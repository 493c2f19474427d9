// plot_check.js - run by tests/cli/test_plots.sh inside headless Chromium on a page that
// inlines SVG plots, each in <div class="plot" data-name="FILE">. For each plot it checks:
// no two text elements whose boxes intersect (by more than 1 px each way), an axis label
// with a unit in words ("(ms)", "(s)", "(%)"...) or a label in words for a category axis,
// a legend (a key entry, or a colour map's colour bar), no number in exponent notation.
// It writes one line per plot into a <pre> of its own: "ok NAME" or "FAIL NAME: why".
(function () {
  var out = [];
  var plots = document.querySelectorAll('div.plot');
  for (var p = 0; p < plots.length; p++) {
    var div = plots[p], name = div.getAttribute('data-name'), why = [];
    var texts = [], nodes = div.querySelectorAll('text');
    for (var i = 0; i < nodes.length; i++) {
      var s = (nodes[i].textContent || '').trim();
      if (!s) continue;
      var r = nodes[i].getBoundingClientRect();
      if (r.width <= 0 || r.height <= 0) continue;
      texts.push({ s: s, r: r });
    }
    for (var a = 0; a < texts.length; a++) {
      for (var b = a + 1; b < texts.length; b++) {
        var A = texts[a].r, B = texts[b].r;
        var w = Math.min(A.right, B.right) - Math.max(A.left, B.left);
        var h = Math.min(A.bottom, B.bottom) - Math.max(A.top, B.top);
        if (w > 1 && h > 1)
          why.push('text "' + texts[a].s + '" overlaps "' + texts[b].s + '"');
      }
    }
    var unit = false;
    for (var i = 0; i < texts.length; i++)
      if (/\((ms|s|min|h|%|writes|requests\/s|share[^)]*|[^)]*%[^)]*|ms, log[^)]*|currency units)\)/.test(texts[i].s) ||
          /servers per region|region lost|share of/.test(texts[i].s))
        unit = true;
    if (!unit) why.push('no axis label with a unit');
    var legend = div.querySelectorAll('g[id^="gnuplot_plot_"] > title').length > 0 ||
                 div.querySelectorAll('image').length > 0;
    if (!legend) why.push('no legend');
    for (var i = 0; i < texts.length; i++)
      if (/\d[eE][+-]?\d/.test(texts[i].s)) why.push('exponent notation: "' + texts[i].s + '"');
    if (texts.length < 3) why.push('only ' + texts.length + ' texts');
    out.push(why.length ? 'FAIL ' + name + ': ' + why.slice(0, 4).join('; ') : 'ok ' + name);
  }
  var pre = document.createElement('pre');
  pre.id = 'plot' + '-check-result';
  pre.textContent = out.join('\n');
  document.body.appendChild(pre);
})();
