// Private package: provenant check lists it as skipped (PRIVATE).
