/* wl.c - being written */
