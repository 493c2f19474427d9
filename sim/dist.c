/* dist.c - being written */
