# lag.gp - replication lag over time for one pattern: p99 of the lag of the writes applied at
# each region (as target) per monitoring interval, log scale; gaps are intervals without an
# apply. Data: t_s, then one column per region. VARS: nreg.
set xlabel 'simulated time (s)'
set ylabel 'replication lag p99 (ms, log scale)'
set logscale y
plot for [i=0:nreg-1] data using 1:(column(2 + i)) with linespoints lw 2 pt 7 ps 0.4 lc (i + 1) \
         title columnheader(2 + i), \
     @markers
