# common.gp - what every mrsim plot shares: the terminal, the output file, the data format,
# and the markers of the plots over time (fault windows shaded and labelled with their kind,
# health flips as vertical lines, failover steps as labelled vertical lines). mrsim runs:
# gnuplot -e VARS common.gp KIND.gp, inside the output directory.
#
# VARS (set by analysis/plot.c): fmt 'png' or 'svg'; height, the image's (default 600); out, the image; data, the TSV file;
# title, the scenario's name as an escaped literal; band, 1 when the data has 95% confidence
# bands (several seeds) to draw; for the plots over time also fx0 and fx1 (start and end of
# each fault window, simulated seconds, space-separated) with flab (each window's fault
# kind), hdown, hup (times of health_down and health_up events), fot and fol (times and
# names of failover steps). Every piece of text from a scenario file is either in 'title' or
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

if (!exists('fx0')) { fx0 = ''; fx1 = '' }
if (!exists('hdown')) { hdown = '' }
if (!exists('hup')) { hup = '' }
if (!exists('flab')) { flab = '' }
if (!exists('fot')) { fot = ''; fol = '' }
if (!exists('band')) { band = 0 }
nband = band ? 1 : 0                          # loops 'for [b=1:nband]' draw bands or nothing
nfault = words(fx0)
do for [i=1:nfault] {
    set object i rectangle from first word(fx0, i) + 0, graph 0 to first word(fx1, i) + 0, graph 1 \
        behind fillcolor rgb '#f4c7c3' fillstyle solid 0.6 noborder
}
do for [i=1:words(flab)] {
    set label i word(flab, i) at first word(fx0, i) + 0, graph 0.02 left offset 0.4, 0 \
        front font ',9' tc rgb '#a33a2f'
}
do for [i=1:words(fot)] {
    set arrow from first word(fot, i) + 0, graph 0 to first word(fot, i) + 0, graph 1 \
        nohead front lc rgb '#6a1b9a' dt 1 lw 1.2
    # Above the plot area, upright: the data cannot hide it, and steps a few seconds apart
    # stand side by side.
    set label 1000 + i word(fol, i) at first word(fot, i) + 0, graph 1.01 left rotate by 90 \
        front font ',8' tc rgb '#6a1b9a'
}
if (words(fot) > 0) {
    set tmargin 8
    set title offset 0, 4
}
do for [i=1:words(hdown)] {
    set arrow from first word(hdown, i) + 0, graph 0 to first word(hdown, i) + 0, graph 1 \
        nohead front lc rgb '#b00020' dt 2 lw 1.5
}
do for [i=1:words(hup)] {
    set arrow from first word(hup, i) + 0, graph 0 to first word(hup, i) + 0, graph 1 \
        nohead front lc rgb '#1b7f2a' dt 3 lw 1.5
}
# Key entries for the markers, appended to a time plot's 'plot' command as @markers; an
# empty title leaves a marker that did not occur out of the key.
markers = "NaN with boxes fillcolor rgb '#f4c7c3' fillstyle solid 0.6 title (nfault > 0 ? 'fault window' : ''), " . \
          "NaN with lines lc rgb '#b00020' dt 2 lw 1.5 title (words(hdown) > 0 ? 'health down' : ''), " . \
          "NaN with lines lc rgb '#1b7f2a' dt 3 lw 1.5 title (words(hup) > 0 ? 'health up' : ''), " . \
          "NaN with lines lc rgb '#6a1b9a' lw 1.2 title (words(fot) > 0 ? 'failover step' : '')"
