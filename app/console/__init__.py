"""The director console: a map to cut turf, make walk lists and hand them out."""
