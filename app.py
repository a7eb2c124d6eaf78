"""The WSGI entry point: gunicorn app:app (and make run)."""
from portal import create_app
from portal.server import tune_garbage_collector

app = create_app()
tune_garbage_collector()
