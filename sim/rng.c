/* rng.c - being written */
