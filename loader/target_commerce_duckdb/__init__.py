"""target-commerce-duckdb: a singer-sdk target loading a DuckDB warehouse exactly."""
