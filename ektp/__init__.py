"""The top floor: `ektp`, the command-line program (cli), its console (logging, progress) and the
demo command. It may import every floor below; nothing imports it."""
