# availability.gp - availability and error rate over time for one pattern, all regions
# together: per monitoring interval, the share of the requests that ended in it that
# succeeded, and the share that failed; with several seeds, means with 95% bands. Data:
# t_s, then availability, lo, hi, error rate, lo, hi (all %).
set ylabel 'share of requests (%)'
set yrange [-2:102]
plot for [b=1:nband] data using ($1 / tdiv):3:4 with filledcurves lc rgb '#1f5fbf' \
         fs transparent solid 0.18 noborder notitle, \
     for [b=1:nband] data using ($1 / tdiv):6:7 with filledcurves lc rgb '#d9480f' \
         fs transparent solid 0.18 noborder notitle, \
     data using ($1 / tdiv):2 with lines lw 2 lc rgb '#1f5fbf' title columnheader(2), \
     data using ($1 / tdiv):5 with lines lw 2 lc rgb '#d9480f' title columnheader(5), \
     @markers
