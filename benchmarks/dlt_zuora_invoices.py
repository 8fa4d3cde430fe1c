"""dlt's declarative rest_api source reading the sandbox's Zuora invoices into DuckDB.
Run inside the dlt venv by benchmarks/run.py: BASE_URL LOADER_FILE_FORMAT WORKDIR."""

import sys
import time

import dlt
from dlt.sources.helpers.rest_client.auth import OAuth2ClientCredentials
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator
from dlt.sources.rest_api import rest_api_source

base_url, file_format, workdir = sys.argv[1:4]
source = rest_api_source(
    {
        "client": {
            "base_url": f"{base_url}/v2/",
            "auth": OAuth2ClientCredentials(
                access_token_url=f"{base_url}/oauth/token",
                client_id="sandbox-zuora-client",
                client_secret="sandbox-zuora-secret",
            ),
            "paginator": JSONResponseCursorPaginator(
                cursor_path="next_page", cursor_param="cursor"
            ),
        },
        "resource_defaults": {"primary_key": "id", "write_disposition": "merge"},
        "resources": [
            {
                "name": "invoices",
                "endpoint": {
                    "path": "invoices",
                    "data_selector": "data",
                    "params": {"page_size": 99},
                },
            }
        ],
    }
)
pipeline = dlt.pipeline(
    pipeline_name="bench",
    pipelines_dir=workdir,
    destination=dlt.destinations.duckdb(f"{workdir}/dlt.duckdb"),
    dataset_name="zuora",
)
started = time.monotonic()
info = pipeline.run(source, loader_file_format=None if file_format == "default" else file_format)
with pipeline.sql_client() as client:
    rows = client.execute_sql("SELECT count(*) FROM invoices")[0][0]
print(f"{rows} {time.monotonic() - started:.3f}")
