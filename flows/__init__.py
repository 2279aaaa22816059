"""Prefect shells around the pipeline, each flow taking one serialisable options object:

- `ingest.ingest(IngestRun)`: the inbox (scheduled) or a job the service wrote;
- `evaluate.evaluate(EvaluateRun)`: judge every target, alert, deliver;
- `backup.backup()`: a consistent copy of the warehouse, rotated (daily);
- `serve.serve_flows`: the deployments and their schedules, with a local Prefect server;
- `orchestration`: whether a Prefect server answers (`choose_api`), and pointing at it with
  the API's password;
- `pool`: past one machine, the deployments in a process work pool and `shihyo worker`;
- `writers`: the one warehouse writer across hosts (a Prefect global concurrency limit);
- `runtime`: the resources a run works with (the caller's, handed over, or the environment's).
"""
