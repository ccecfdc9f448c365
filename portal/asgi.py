"""The ASGI application for uvicorn or any ASGI server: `uvicorn portal.asgi:app`."""

from portal.app import create_app

app = create_app()
