"""The eval bench: labeled data and its generators, batch eval, failure taxonomy, benchmarks."""
