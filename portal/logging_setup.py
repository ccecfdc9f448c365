"""Structured (JSON lines) logs. Messages and fields are identifiers and counts, never client information."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


_configured = False
# Handlers that configure_logging() keeps (a test run's capture of every record), and the level they need.
_kept: list[logging.Handler] = []


def configure_logging(level: str = "INFO") -> None:
    global _configured
    if _configured:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.setLevel(level)
    portal_logger = logging.getLogger("portal")
    portal_logger.handlers[:] = [handler, *_kept]
    portal_logger.setLevel(min([logging.getLevelName(level), *(h.level for h in _kept)]))
    portal_logger.propagate = False
    _configured = True


def capture_to_file(path: str | Path, level: int = logging.DEBUG) -> logging.Handler:
    """Also write every record of the portal's loggers, down to `level`, as JSON lines to `path`.

    For proof rather than operations: the test suite captures everything the portal logs at DEBUG and then scans
    it for client information (tests/test_logs_have_no_phi.py). The stderr handler keeps its own level.
    """
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(JsonFormatter())
    handler.setLevel(level)
    _kept.append(handler)
    portal_logger = logging.getLogger("portal")
    portal_logger.addHandler(handler)
    if portal_logger.level == logging.NOTSET or portal_logger.level > level:
        portal_logger.setLevel(level)
    return handler
