"""commerce-orchestration: the Dagster code location that runs every account of every vendor
through Meltano, then the dbt project (`definitions`); the accounts read from meltano.yml
(`accounts`). docs/orchestration.md."""
