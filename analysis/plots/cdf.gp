# cdf.gp - latency CDF of every pattern on one plot: the fraction of successful requests at
# or below each latency, from the run's stored histogram (a step per bucket), log x. Data: one
# block per pattern (header "latency_ms PATTERN", then bucket upper bound in ms and the
# cumulative fraction), blocks separated by two blank lines. VARS: nblocks; pcol, each
# block's pattern colour (#rrggbb words, plot.c's plot_pattern_colour).
set xlabel 'latency of successful requests (ms, log scale)'
set ylabel 'share of successful requests at or below (%)'
set format y '%.0f'
set logscale x
set xtics ('0.01' 0.01, '0.1' 0.1, '1' 1, '10' 10, '100' 100, '1,000' 1000, '10,000' 10000, '100,000' 100000)
set mxtics 10
set yrange [0:102]
set ytics 10
set key inside right bottom box opaque
plot for [i=0:nblocks-1] data index i using 1:($2 * 100) with steps lw 2 lc rgb word(pcol, i + 1) title columnheader(2)
