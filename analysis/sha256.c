/* sha256.c - being written */
