# cdf.gp - latency CDF of every pattern on one plot: the fraction of successful requests at
# or below each latency, from the run's stored histogram (a step per bucket), log x. Data: one
# block per pattern (header "latency_ms PATTERN", then bucket upper bound in ms and the
# cumulative fraction), blocks separated by two blank lines. VARS: nblocks.
set xlabel 'latency (ms, log scale)'
set ylabel 'fraction of successful requests'
set logscale x
set yrange [0:1.02]
set ytics 0.1
set key inside right bottom box opaque
plot for [i=0:nblocks-1] data index i using 1:2 with steps lw 2 lc (i + 1) title columnheader(2)
