/* run.c - being written */
