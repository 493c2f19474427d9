/* stat.c - being written */
