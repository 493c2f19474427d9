# latency.gp - latency over time for one pattern: p50 (dashed) and p99 (solid) of each
# region's successful requests per monitoring interval, log scale. Data: t_s, then a p50 and
# a p99 column per region (headers "REGION p50", "REGION p99"). VARS: nreg, the regions.
set xlabel 'simulated time (s)'
set ylabel 'latency of successful requests (ms, log scale)'
set logscale y
plot for [i=0:nreg-1] data using 1:(column(3 + 2*i)) with lines lw 2 lc (i + 1) \
         title columnheader(3 + 2*i), \
     for [i=0:nreg-1] data using 1:(column(2 + 2*i)) with lines lw 1 dt 2 lc (i + 1) \
         title columnheader(2 + 2*i), \
     @markers
