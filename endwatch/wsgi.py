"""WSGI entry point for gunicorn: `gunicorn 'endwatch.wsgi:app'`. Web workers never run jobs."""

from endwatch.app import create_app

app = create_app()
