// Replaced by the CLI host (System.CommandLine) in the foundation work.
return 0;
