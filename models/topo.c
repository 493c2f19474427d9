/* topo.c - being written */
