"""Floor 3: the Great Expectations suites of CONTRACT §2 and the engine that runs them over a
whole batch of files at once, attributing each failure to its file and row."""
