/* net.c - being written */
