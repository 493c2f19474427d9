/* db.c - being written */
