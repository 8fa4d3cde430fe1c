"""target-commerce-postgres: MeltanoLabs' target-postgres with what our DuckDB loader guarantees."""
