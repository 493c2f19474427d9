# sweep-line.gp - a sweep's metric against the varied parameter: one curve per combination of
# the other dimensions, the mean over the seeds with its 95% confidence interval as a band,
# and the SLO's bounds as dashed red lines. A point where no request was served has no figure
# to draw: it is marked on the x axis with a red cross ("collapsed"), never silently left out.
# Data (analysis/plot_sweep.c): x, then for each curve its mean, lower and upper CI bound,
# named in the header line. VARS: nseries, xlabel, ylabel (quoted literals, in words with
# units), slo_lo / slo_hi when the objective has that bound, xt (the swept values, the x
# tics), cx (x of the collapsed points), ymax (the top of the highest band), pcol (the
# curves' colours: each pattern's on the overlay of a --pattern all sweep).
set datafile columnheaders
set xlabel xlabel
set ylabel ylabel
set style fill transparent solid 0.20 noborder
if (!exists('slo_lo')) { slo_lo = NaN }
if (!exists('slo_hi')) { slo_hi = NaN }
if (!exists('xt')) { xt = '' }
if (!exists('cx')) { cx = '' }
if (!exists('ymax')) { ymax = 0 }
# Curve colours: the patterns' own (pcol, plot.c) on the overlay of patterns, else a palette.
if (!exists('pcol')) { pcol = '#9400d3 #009e73 #56b4e9 #e69f00 #0072b2 #e51e10 #8c564b #000000' }
if (words(xt) > 0) {
    set xtics (grp(word(xt, 1) + 0) word(xt, 1) + 0)
    do for [i=2:words(xt)] { set xtics add (grp(word(xt, i) + 0) word(xt, i) + 0) }
    if (words(xt) == 1) {
        set xrange [word(xt, 1) - 1 : word(xt, 1) + 1]
    } else {
        lo = word(xt, 1) + 0; hi = word(xt, words(xt)) + 0
        if (lo > 0 && hi / lo >= 20) {
            # Values over decades (1 ms .. 100 ms): a log axis keeps the small ones apart.
            set logscale x
            set xrange [lo / 1.3 : hi * 1.3]
        } else {
            set xrange [lo - (hi - lo) * 0.03 : hi + (hi - lo) * 0.03]
        }
    }
}
top = ymax
if (slo_hi == slo_hi && slo_hi > top) { top = slo_hi }
if (top >= 1000) { ymax = top; @groupedy; set yrange [0 : top * 1.15] }
set key outside right top box opaque
# Collapsed points: a red cross on the x axis each, one key entry for them all.
do for [i=1:words(cx)] {
    set label 3000 + i '×' at first word(cx, i) + 0, graph 0 center offset 0, 0.6 front \
        tc rgb '#b00020' font ',16'
}
plot for [i=0:nseries-1] data using 1:(column(3+3*i)):(column(4+3*i)) \
         with filledcurves lc rgb word(pcol, i % words(pcol) + 1) notitle, \
     for [i=0:nseries-1] data using 1:(column(2+3*i)) \
         with linespoints lc rgb word(pcol, i % words(pcol) + 1) lw 2 pt 7 title columnhead(2+3*i), \
     slo_hi with lines lc rgb '#b00020' dt 2 lw 2 title (slo_hi == slo_hi ? 'SLO max' : ''), \
     slo_lo with lines lc rgb '#b00020' dt 4 lw 2 title (slo_lo == slo_lo ? 'SLO min' : ''), \
     NaN with points pt 2 ps 2 lc rgb '#b00020' title (words(cx) > 0 ? 'collapsed: no request served' : '')
