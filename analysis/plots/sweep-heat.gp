# sweep-heat.gp - a sweep of two dimensions as a heat map: one cell per point, coloured by
# the metric's mean over the seeds, the mean printed in the cell, the axes labelled with the
# dimensions' values; the values in the cells written for people (grp). Data (analysis/plot_sweep.c): ix, iy (value indices), mean, and the x
# and y labels. VARS: xlabel, ylabel, cblabel (quoted literals).
set datafile columnheaders
set xlabel xlabel
set ylabel ylabel
set cblabel cblabel
unset key
unset grid
set palette defined (0 '#2c7bb6', 0.5 '#ffffbf', 1 '#d7191c')
plot data using 1:2:3 with image pixels, \
     '' using 1:2:xtic(4):ytic(5) with points ps 0 notitle, \
     '' using 1:2:(abs($3) >= 1000 ? grp($3) : sprintf('%.4g', $3)) with labels font ',10' notitle
