# common.gp - what every mrsim plot shares: the terminal, the output file, the data format,
# and the markers of the plots over time (fault windows shaded, health flips as vertical
# lines). mrsim runs: gnuplot -e VARS common.gp KIND.gp, inside the output directory.
#
# VARS (set by analysis/plot.c): fmt 'png' or 'svg'; out, the image; data, the TSV file;
# title, the scenario's name as an escaped literal; for the plots over time also fx0 and fx1
# (start and end of each fault window, simulated seconds, space-separated) and hdown, hup
# (times of health_down and health_up events). Every piece of text from a scenario file is
# either in 'title' or inside the data files, so nothing here runs text as a command.
# 'noenhanced' keeps names such as "a_b^c" as written.
if (fmt eq 'svg') {
    set terminal svg size 1100,600 dynamic noenhanced font 'sans,12' background '#ffffff'
} else {
    set terminal pngcairo size 1100,600 noenhanced font 'sans,10'
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
nfault = words(fx0)
do for [i=1:nfault] {
    set object i rectangle from first word(fx0, i) + 0, graph 0 to first word(fx1, i) + 0, graph 1 \
        behind fillcolor rgb '#f4c7c3' fillstyle solid 0.6 noborder
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
          "NaN with lines lc rgb '#1b7f2a' dt 3 lw 1.5 title (words(hup) > 0 ? 'health up' : '')"
