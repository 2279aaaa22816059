from shihyo.cli import app

app()
