-- Which figure a rejected row was meant to be: its indicator and period, where the row said
-- them readably. A validation alert is resolved when the same section's later clean files
-- bring figures for every such indicator and period (alerts/rules.py), not only when a file
-- of the same name comes back clean. Rows rejected before this migration keep NULL here.
ALTER TABLE quarantine ADD COLUMN indicator_id VARCHAR;
ALTER TABLE quarantine ADD COLUMN period DATE;
