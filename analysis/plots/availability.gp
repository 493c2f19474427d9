# availability.gp - availability and error rate over time for one pattern, all regions
# together: per monitoring interval, the share of the requests that ended in it that
# succeeded, and the share that failed. Data: t_s, availability, error rate (both %),
# requests.
set xlabel 'simulated time (s)'
set ylabel 'share of requests (%)'
set yrange [-2:102]
plot data using 1:2 with lines lw 2 lc rgb '#1f5fbf' title columnheader(2), \
     data using 1:3 with lines lw 2 lc rgb '#d9480f' title columnheader(3), \
     @markers
