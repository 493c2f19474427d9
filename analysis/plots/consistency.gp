# consistency.gp - replication lag and stale-read rate over time per region for one
# pattern, one panel above the other on the same time axis. Top: p99 of the lag of the
# writes applied at each region (as target) per monitoring interval, log scale; gaps are
# intervals without an apply. Bottom: the share of the reads served by each region that the
# oracle judged stale (an acknowledged newer write existed when the read was issued). With
# several seeds, means with 95% bands. Data: t_s, then per region lag, lo, hi (ms), then per
# region stale-read rate, lo, hi (%). VARS: nreg; haslag, hasstale (0: that panel has no
# data and shows a note); xend, the end of the series (s).
lag(i) = 2 + 3*i
stale(i) = 2 + 3*(nreg + i)
set multiplot layout 2, 1 title title
unset title
set lmargin 12
set rmargin 34
set ylabel 'replication lag p99 (ms, log)'
if (haslag) {
    set logscale y
    @logtics
    plot for [b=1:nband] for [i=0:nreg-1] data using ($1 / tdiv):(column(lag(i) + 1)):(column(lag(i) + 2)) \
             with filledcurves lc (i + 1) fs transparent solid 0.18 noborder notitle, \
         for [i=0:nreg-1] data using ($1 / tdiv):(column(lag(i))) with linespoints lw 2 pt 7 ps 0.4 \
             lc (i + 1) title columnheader(lag(i)), \
         @markers
    unset logscale y
    set ytics autofreq
    set mytics default
} else {
    set yrange [0:1]
    set label 999 'no replication in this run' at graph 0.5, graph 0.5 center front
    plot NaN notitle
    unset label 999
}
set ylabel 'stale reads (% of reads)'
# The failover steps' names were shown above the top panel; here the lines alone.
do for [i=1:words(fot)] { unset label 1000 + i }
do for [i=1:nfo] { unset label 2000 + i }     # the caption, once, under the lower panel
set tmargin 1
if (hasstale) {
    set yrange [0:*]
    plot for [b=1:nband] for [i=0:nreg-1] data using ($1 / tdiv):(column(stale(i) + 1)):(column(stale(i) + 2)) \
             with filledcurves lc (i + 1) fs transparent solid 0.18 noborder notitle, \
         for [i=0:nreg-1] data using ($1 / tdiv):(column(stale(i))) with lines lw 2 lc (i + 1) \
             title columnheader(stale(i)), \
         @markers
} else {
    set yrange [0:1]
    set label 999 'no reads in this run' at graph 0.5, graph 0.5 center front
    plot NaN notitle
}
unset multiplot
