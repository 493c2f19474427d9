# compare.gp - the patterns side by side: one small bar chart per headline metric (only the
# metrics some run has), three to a row, one bar per pattern in the pattern's own colour (the
# same in every plot), the value as a person reads it printed above each bar, and one legend
# naming the patterns above the panels (no tilted names under the bars). With several seeds
# (band = 1) the bars are means with error bars: the 95% confidence interval. Data: a header
# line (metric, then per pattern its name, "ci95", "label"), then one line per metric in the
# order of VARS 'metrics': the mean, its half-width (NaN with one seed) and the value's text
# (analysis/plot.c); the values' text is also in VARS l<k>_<i> (metric k, pattern i) with
# its height y<k>_<i>. VARS: npat, the patterns; pcol, their colours (#rrggbb words); tops
# and lows, per metric the top of the highest error bar and the bottom of the lowest, in the
# panel's unit (gnuplot's stats cannot skip a column that is all NaN).
label(m) = m eq 'p99_ms' ? 'p99 latency (ms)' : m eq 'availability' ? 'availability (% of requests)' : \
           m eq 'stale_read_rate' ? 'stale reads (% of reads)' : m eq 'lost_writes' ? 'lost writes (writes)' : \
           m eq 'rpo_writes' ? 'data lost at failover, RPO (writes)' : \
           m eq 'rto_s' ? 'recovery time, RTO (s)' : m
unit(m) = m eq 'p99_ms' ? 'latency (ms)' : m eq 'availability' ? 'requests served (%)' : \
          m eq 'stale_read_rate' ? 'stale reads (%)' : m eq 'lost_writes' ? 'writes' : \
          m eq 'rpo_writes' ? 'writes' : m eq 'rto_s' ? 'time (s)' : ''
scale(m) = (m eq 'availability' || m eq 'stale_read_rate') ? 100.0 : 1.0
nm = words(metrics)
ncol = nm == 4 ? 2 : nm < 3 ? nm : 3           # no row with a lone panel
nrow = int((nm + ncol - 1) / ncol)
set datafile columnheaders                    # the first line names the columns
unset grid
set grid y lc rgb '#dddddd'
set style fill solid 0.85 border -1
set boxwidth 0.7
unset xtics
set ytics nomirror
set format y '%.0f'
mtop = 1.0 - 100.0 / height
set multiplot title title
pw = 1.0 / ncol
ph = (mtop - 0.01) / nrow
do for [k=1:nm] {
    set origin ((k - 1) % ncol) * pw, mtop - (int((k - 1) / ncol) + 1) * ph
    set size pw, ph
    set lmargin 10; set rmargin 2; set bmargin 1.5; set tmargin 3
    m = word(metrics, k)
    set title label(m)
    set ylabel unit(m)
    s = scale(m)
    set xrange [*:*]
    set yrange [*:*]
    top = word(tops, k) + 0                   # the highest error bar (or bar) ...
    low = word(lows, k) + 0                   # ... and the lowest, scaled (plot.c)
    set xrange [-0.6:npat - 0.4]
    if (m eq 'availability') {
        # Availability differs in its last digits: show the range down to below the lowest
        # bar, not from 0, so the differences can be seen (the values are printed anyway);
        # never above 100%.
        span = 100.0 - low
        span = span > 0.01 ? span : 1.0      # all (nearly) perfect: show 99..100
        dec = span >= 5 ? 0 : span >= 0.5 ? 1 : span >= 0.05 ? 2 : 3
        set yrange [100.0 - span * 1.5 : 100.0 + span * 0.15]
        set format y sprintf('%%.%df', dec)
        set ytics autofreq
    } else {
        top = top > 0 ? top : 1
        set yrange [0 : top * 1.2]
        set format y '%.0f'
        if (top >= 1000) {
            st = nicestep(top)
            set ytics (grp(0) 0)
            do for [j=1:int(top * 1.2 / st)] { set ytics add (grp(j * st) j * st) }
        } else {
            if (top < 5) { set format y '%.2g' }
            set ytics autofreq
        }
    }
    # The values above the bars, as labels made by plot.c (y<k>_<i>, l<k>_<i>; absent when
    # the pattern has no value): drawing them 'with labels' from the data file crashes
    # gnuplot 5.4 when a value is NaN in a later panel of a multiplot.
    do for [i=0:npat-1] {
        yn = sprintf('y%d_%d', k, i)
        if (exists(yn)) {
            set label 100 + i value(sprintf('l%d_%d', k, i)) at i, value(yn) * s center \
                offset 0, 0.8 font ',9' front
        } else {
            unset label 100 + i
        }
    }
    unset key
    plot for [i=0:npat-1] data every ::(k-1)::(k-1) using (i):(column(2+3*i) * s) \
             with boxes lc rgb word(pcol, i + 1) notitle, \
         for [b=1:nband] for [i=0:npat-1] data every ::(k-1)::(k-1) \
             using (i):((column(2+3*i) - column(3+3*i)) * s):(0):(2 * column(3+3*i) * s) \
             with vectors heads size screen 0.006, 90 lc rgb '#222222' lw 1.5 notitle
}
# The legend, once, in a strip of its own under the title, across the whole width: one entry
# per pattern in its colour (the names come from the data file's header). The entries are
# bars drawn outside the strip's range, so only the key shows.
set origin 0, mtop
set size 1, 1.0 - mtop - 30.0 / height
set lmargin 0; set rmargin 0; set tmargin 0; set bmargin 0
unset border; unset xtics; unset ytics; unset title; unset xlabel; unset ylabel; unset label
unset grid
set xrange [0:1]; set yrange [0:1]
set key center center horizontal maxrows 1 noopaque nobox samplen 2 font ',11'
plot for [i=0:npat-1] data every ::0::0 using (-5):(-5) with boxes lc rgb word(pcol, i + 1) \
         title columnheader(2+3*i)
unset multiplot
