/* region.c - being written */
