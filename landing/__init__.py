"""Floor 1: reading the landing folder. Which files are there (inbox), and their records (records)."""
