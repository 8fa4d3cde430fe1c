"""commerce-harness: what the demo, the benchmarks, the chaos nights and the tests share.

- `taps`: the per-tap table (executable, sandbox vendor, settings against a sandbox);
- `sandbox`: the sandbox as a child process, or in-process for a whole test run;
- `pipeline`: a tap alone, or piped into the loader the way Meltano does;
- `catalog`: a tap's catalog with some streams selected;
- `reconcile`: a warehouse table against the sandbox's truth;
- `warehouse`: warehouses read back, checked against the truth, and built by dbt;
- `postgres`: a throwaway PostgreSQL server and the settings that point Meltano at it;
- `place`: a Meltano project run in a directory of its own (its state, warehouse and logs);
- `chaos`: chaos nights; `marts`: the demo's headline rows from the marts.

Development code only: it ships in the root distribution, never in a plugin's.
"""

from pathlib import Path

# The repository the harness runs in (an editable install): meltano.yml, transform/, output/.
ROOT = Path(__file__).resolve().parents[2]
