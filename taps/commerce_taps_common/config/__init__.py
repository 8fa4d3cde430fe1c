"""Settings and the command line: shared setting declarations, one-line config errors, the
checks of the files given on the command line, and what a plugin tells singer-sdk of itself."""
