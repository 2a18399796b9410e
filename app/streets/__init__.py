"""Street centrelines: the block faces turfs keep whole, the barriers they never cross, and
the network walk lists are ordered on."""
