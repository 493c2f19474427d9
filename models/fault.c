/* fault.c - being written */
