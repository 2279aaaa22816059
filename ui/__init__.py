"""The dashboard's shared pieces (pages live in views/, the entry in app.py): `door` (the one
service), `data` (cached reads per data version), `state` (language and as-of day), `auth`
(signing in), `text` (words and safe display), `frames`, `tables`, `charts`, `status`."""
