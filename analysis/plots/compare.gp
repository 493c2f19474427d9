# compare.gp - the patterns side by side: one small bar chart per headline metric (only the
# metrics some run has), one bar per pattern in the same colour in every panel, the value
# printed on each bar. With several seeds (band = 1) the bars are means and carry error
# bars: the 95% confidence interval. Data: pattern, then two columns per metric (mean and
# the interval's half-width, NaN with one seed), in the order of VARS 'metrics' (names from
# analysis/plot.c); npat, the patterns.
label(m) = m eq 'p99_ms' ? 'p99 latency' : m eq 'availability' ? 'availability' : \
           m eq 'stale_read_rate' ? 'stale reads' : m eq 'lost_writes' ? 'lost writes' : \
           m eq 'rpo_writes' ? 'data loss at failover (RPO)' : \
           m eq 'rto_s' ? 'recovery time (RTO)' : m
unit(m) = m eq 'p99_ms' ? 'ms' : m eq 'availability' ? '% of requests' : \
          m eq 'stale_read_rate' ? '% of reads' : m eq 'lost_writes' ? 'writes' : \
          m eq 'rpo_writes' ? 'writes' : m eq 'rto_s' ? 's' : ''
scale(m) = (m eq 'availability' || m eq 'stale_read_rate') ? 100.0 : 1.0
nm = words(metrics)
set datafile columnheaders                    # the first line names the columns
unset grid
set grid y lc rgb '#dddddd'
set style fill solid 0.85 border -1
set boxwidth 0.7
set xtics rotate by -35 left nomirror
set lmargin 10
set bmargin 7
unset key
set multiplot layout 1, nm title title
do for [k=1:nm] {
    m = word(metrics, k)
    set title label(m)
    set ylabel unit(m)
    s = scale(m)
    v = 2 * k                                 # the mean's column; v + 1 the half-width
    # stats honours the axis ranges: clear them, or the previous panel's would filter.
    # The top of each error bar counts towards the range.
    set xrange [*:*]
    set yrange [*:*]
    stats data using ((column(v) + (band && valid(v + 1) ? column(v + 1) : 0)) * s) nooutput
    top = STATS_max
    stats data using ((column(v) - (band && valid(v + 1) ? column(v + 1) : 0)) * s) nooutput
    set xrange [-0.6:npat - 0.4]
    if (m eq 'availability') {
        # Availability differs in its last digits: show the range down to below the lowest
        # bar, not from 0, so the differences can be seen (the values are printed anyway).
        span = 100.0 - STATS_min
        span = span > 0 ? span : 0.01
        set yrange [STATS_min - span : 100.0 + span * 0.3]
    } else {
        set yrange [0 : (top > 0 ? top * 1.15 : 1)]
    }
    plot data using 0:(column(v) * s):($0 + 1):xtic(1) with boxes lc variable, \
         for [b=1:nband] data using 0:(column(v) * s):(column(v + 1) * s) \
             with yerrorbars lc rgb '#222222' pt 7 ps 0 lw 1.5, \
         data using 0:(column(v) * s):(sprintf('%.4g', column(v) * s)) \
             with labels offset (band ? 2.2 : 0), 0.8 font ',9'
}
unset multiplot
