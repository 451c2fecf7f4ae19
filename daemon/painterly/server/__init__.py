"""The daemon: the socket loop (`daemon`), submissions, the job queue, the engine worker, results, styles, keys."""
