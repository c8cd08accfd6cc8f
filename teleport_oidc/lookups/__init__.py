"""Apply-time lookups over the network: the one fetch seam and what uses it."""
