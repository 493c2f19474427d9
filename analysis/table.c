/* table.c - being written */
