# common.gp - what every mrsim plot shares: the terminal, the output file, the data format,
# and the markers of the plots over time (fault windows shaded and labelled with their kind,
# health flips as vertical lines, failover steps as labelled vertical lines). mrsim runs:
# gnuplot -e VARS common.gp KIND.gp, inside the output directory.
#
# VARS (set by analysis/plot.c): fmt 'png' or 'svg'; height, the image's (default 600); out, the image; data, the TSV file;
# title, the scenario's name as an escaped literal; band, 1 when the data has 95% confidence
# bands (several seeds) to draw; for the plots over time also fx0 and fx1 (start and end of
# each fault window, simulated seconds, space-separated) with flab (each window's fault
# kind), hdown, hup (times of health_down and health_up events), fot (the start of each
# failover, s), nfo and fcap1..fcapN (each failover's steps and their times, a quoted
# literal made by plot.c from fixed step names and numbers), tdiv and tunit (the time
# axis' unit: 1 's', 60 'min' or 3600 'h'). Every piece of text from a scenario file is either in 'title' or
# inside the data files; the word lists hold only [a-z0-9_-], made by plot.c. So nothing
# here runs text as a command. 'noenhanced' keeps names such as "a_b^c" as written.
#
# The data files of the plots over time hold, per line drawn, three columns: the mean over
# the seeds, and the low and high ends of its 95% interval (NaN with one seed). bandcol(c)
# draws the band of the line whose mean is column c.
if (!exists('height')) { height = 600 }      # pixels; the two-panel plot asks for more
if (fmt eq 'svg') {
    set terminal svg size 1100,height dynamic noenhanced font 'sans,12' background '#ffffff'
} else {
    set terminal pngcairo size 1100,height noenhanced font 'sans,10'
}
set output out
set datafile separator '\t'
set title title
set grid lc rgb '#dddddd'
set key outside right top box opaque
set border lw 1

# Numbers for people: thousands grouped ("12,000"), never an exponent. grp() groups the
# digits of a whole number; a log axis gets its decades written out with it.
grp(x) = abs(x) < 1000 ? (x == floor(x) ? sprintf('%.0f', x) : sprintf('%.4g', x)) : grp(int(x / 1000)) . sprintf(',%03.0f', abs(x) - 1000 * int(abs(x) / 1000))
decade(e) = e < 0 ? sprintf('%g', 10.0**e) : grp(10.0**e)
logtics = "set ytics ('0.01' 0.01, '0.1' 0.1, '0.2' 0.2, '0.5' 0.5, '1' 1, '2' 2, '5' 5, '10' 10, '20' 20, '50' 50, '100' 100, '200' 200, '500' 500, '1,000' 1000, '2,000' 2000, '5,000' 5000, '10,000' 10000, '20,000' 20000, '50,000' 50000, '100,000' 100000, '1,000,000' 1000000); set mytics 10"
# A tic step of 1, 2 or 5 x 10^k giving about five tics up to top.
nicestep(top) = (e = 10.0**floor(log10(top / 5.0)), r = top / 5.0 / e, \
                 (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * e)
# Linear y tics from 0 to top, grouped when they reach the thousands.
groupedy = "st = nicestep(ymax); set ytics (grp(0) 0); do for [j=1:int(ymax * 1.15 / st)] { set ytics add (grp(j * st) j * st) }"
if (!exists('tdiv')) { tdiv = 1; tunit = 's' }
if (!exists('nfo')) { nfo = 0 }

if (!exists('fx0')) { fx0 = ''; fx1 = '' }
if (!exists('hdown')) { hdown = '' }
if (!exists('hup')) { hup = '' }
if (!exists('flab')) { flab = '' }
if (!exists('fot')) { fot = ''; fol = '' }
if (!exists('band')) { band = 0 }
nband = band ? 1 : 0                          # loops 'for [b=1:nband]' draw bands or nothing
nfault = words(fx0)
# The fault windows, shaded, each labelled with its kind at the top left of its window
# (below the plot's top edge, inside the window, where no line is drawn over it).
do for [i=1:nfault] {
    set object i rectangle from first (word(fx0, i) + 0) / tdiv, graph 0 \
        to first (word(fx1, i) + 0) / tdiv, graph 1 \
        behind fillcolor rgb '#f4c7c3' fillstyle solid 0.6 noborder
}
do for [i=1:words(flab)] {
    set label i word(flab, i) at first (word(fx0, i) + 0) / tdiv, graph 0.96 left offset 0.4, 0 \
        front font ',10' tc rgb '#a33a2f'
}
# One marker per failover: a purple line at its first step with "failover N" above the plot;
# its steps are listed in the key (fcapN).
do for [i=1:words(fot)] {
    set arrow from first (word(fot, i) + 0) / tdiv, graph 0 to first (word(fot, i) + 0) / tdiv, graph 1 \
        nohead front lc rgb '#6a1b9a' dt 1 lw 1.5
    set label 1000 + i sprintf('failover %d', i) at first (word(fot, i) + 0) / tdiv, graph 1.02 \
        center front font ',10' tc rgb '#6a1b9a'
}
do for [i=1:words(hdown)] {
    set arrow from first (word(hdown, i) + 0) / tdiv, graph 0 to first (word(hdown, i) + 0) / tdiv, graph 1 \
        nohead front lc rgb '#b00020' dt 2 lw 1.5
}
do for [i=1:words(hup)] {
    set arrow from first (word(hup, i) + 0) / tdiv, graph 0 to first (word(hup, i) + 0) / tdiv, graph 1 \
        nohead front lc rgb '#1b7f2a' dt 3 lw 1.5
}
if (exists('xend')) {
    set xrange [0:xend / tdiv]
    set xlabel sprintf('simulated time (%s)', tunit)
}
# Each failover's steps as a caption under the plot, one line per failover.
if (nfo > 0) {
    set bmargin 4 + 1.3 * nfo
    do for [i=1:nfo] {
        set label 2000 + i value(sprintf('fcap%d', i)) at screen 0.01, screen 0.015 + (nfo - i) * 0.03 \
            left front font ',10' tc rgb '#6a1b9a'
    }
}
# Key entries for the markers, appended to a time plot's 'plot' command as @markers; an
# empty title leaves a marker that did not occur out of the key.
markers = "NaN with boxes fillcolor rgb '#f4c7c3' fillstyle solid 0.6 title (nfault > 0 ? 'fault window' : ''), " . \
          "NaN with lines lc rgb '#b00020' dt 2 lw 1.5 title (words(hdown) > 0 ? 'health down' : ''), " . \
          "NaN with lines lc rgb '#1b7f2a' dt 3 lw 1.5 title (words(hup) > 0 ? 'health up' : ''), " . \
          "NaN with lines lc rgb '#6a1b9a' lw 1.5 title (nfo > 0 ? 'failover (steps below)' : '')"
