// Benchmarks arrive with the gateway work.
return 0;
