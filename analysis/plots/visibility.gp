# visibility.gp - the t-visibility curve of every pattern on one plot: of the reads issued t
# ms after the newest acknowledged write of their key (windows starting at t), the share that
# returned it (PBS's t-visibility, measured). Points are evenly spaced with the window starts
# as labels. Data: one block per pattern (header "t_ms PATTERN", then the window start and
# the share), blocks separated by two blank lines. VARS: nblocks.
set xlabel 'time since the write was acknowledged (ms, window start)'
set ylabel 'share of reads that saw it'
set yrange [0:1.02]
set ytics 0.1
set key inside right bottom box opaque
plot for [i=0:nblocks-1] data index i using 0:2:xtic(1) with linespoints lw 2 pt 7 lc (i + 1) title columnheader(2)
