# sweep-line.gp - a sweep's metric against the varied parameter: one curve per combination of
# the other dimensions, the mean over the seeds with its 95% confidence interval as a band,
# and the SLO's bounds as dashed red lines. Data (analysis/plot_sweep.c): x, then for each
# curve its mean, lower and upper CI bound, named in the header line. VARS: nseries, xlabel,
# ylabel (quoted literals), and slo_lo / slo_hi when the objective has that bound.
set datafile columnheaders
set xlabel xlabel
set ylabel ylabel
set style fill transparent solid 0.20 noborder
if (!exists('slo_lo')) { slo_lo = NaN }
if (!exists('slo_hi')) { slo_hi = NaN }
plot for [i=0:nseries-1] data using 1:(column(3+3*i)):(column(4+3*i)) \
         with filledcurves lc i+1 notitle, \
     for [i=0:nseries-1] data using 1:(column(2+3*i)) \
         with linespoints lc i+1 lw 2 pt 7 title columnhead(2+3*i), \
     slo_hi with lines lc rgb '#b00020' dt 2 lw 2 title (slo_hi == slo_hi ? 'SLO max' : ''), \
     slo_lo with lines lc rgb '#b00020' dt 4 lw 2 title (slo_lo == slo_lo ? 'SLO min' : '')
