/* scn.c - being written */
