/* rtt_measured.c - being written */
