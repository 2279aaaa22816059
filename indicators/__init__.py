"""The domain: the plan and its indicators, and the rules that judge them. Pure functions
over frozen models; no database, orchestration or UI.

- `catalog`: the plan, policies, areas, initiatives, owners, indicators and targets, read
  from reviewable YAML (`load_catalog`) and checked; `Catalog.to_document` / `from_document`
  are what the warehouse keeps of each version; `catalog_diff.catalog_changes` for the audit.
  An instance may hold several plans (`plans/<id>/` beside the default plan's files);
  `Catalog.for_plan` is one plan's view, `Evaluation.for_plan` the one evaluation seen by it.
- `periods`: the fiscal calendar (April–March): `Period`, `fiscal_year_of`, `format_period`.
- `trend`: an indicator's periods (`period_of`, `period_text`) and the forecast line.
- `status`: one target's judgement (`evaluate_target`) and the roll-up to initiatives.
- `evaluation`: every target judged as of a day (`judge` → `Evaluation`), the one result
  every face renders.
- `plan`: the plan's status table (`plan_summary`); `coverage`: initiatives with indicators.
"""
