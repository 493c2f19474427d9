# latency.gp - latency over time for one pattern: p50 (dashed) and p99 (solid) of each
# region's successful requests per monitoring interval, log scale; with several seeds the
# lines are means over the seeds and the shaded bands their 95% confidence intervals. Data:
# t_s, then per region the columns "REGION p50", lo, hi, "REGION p99", lo, hi (common.gp).
# VARS: nreg, the regions.
set ylabel 'latency, successful requests (ms, log)'
set logscale y
@logtics
p50(i) = 2 + 6*i
p99(i) = 5 + 6*i
plot for [b=1:nband] for [i=0:nreg-1] data using ($1 / tdiv):(column(p99(i) + 1)):(column(p99(i) + 2)) \
         with filledcurves lc (i + 1) fs transparent solid 0.18 noborder notitle, \
     for [b=1:nband] for [i=0:nreg-1] data using ($1 / tdiv):(column(p50(i) + 1)):(column(p50(i) + 2)) \
         with filledcurves lc (i + 1) fs transparent solid 0.10 noborder notitle, \
     for [i=0:nreg-1] data using ($1 / tdiv):(column(p99(i))) with lines lw 2 lc (i + 1) \
         title columnheader(p99(i)), \
     for [i=0:nreg-1] data using ($1 / tdiv):(column(p50(i))) with lines lw 1 dt 2 lc (i + 1) \
         title columnheader(p50(i)), \
     @markers
