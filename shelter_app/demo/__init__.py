"""Demo data: a believable evacuation operation to explore Posko with (see ``generator``)."""
