"""Personal secrets never reach a log line: the evaluation link's token is cut out of every message and
argument of the Django loggers that print request paths (``django.request``, ``django.server``) and of
gunicorn's access log (``gunicorn.conf.py`` uses ``GunicornLogger``).

The evaluation link (``/evaluering/<token>/``) is the only URL that carries a personal token that can be
tied to an answer: it answers with a redirect to the token-free form, so the form, the answer and every
error are served without it; this filter covers the one redirect line (and any 4xx for a mistyped link)."""

from __future__ import annotations

import logging
import re

SECRET_PATH = re.compile(r"(/evaluering/)[A-Za-z0-9_\-]{16,}(/?)")
REDACTED = r"\1[token]\2"


def redact(value):
    return SECRET_PATH.sub(REDACTED, value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    """A logging filter that rewrites the record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) for k, v in record.args.items()}
        return True


try:  # gunicorn is a production dependency; the class is only defined where it is installed
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = None

if _GunicornLogger is not None:
    class GunicornLogger(_GunicornLogger):
        """gunicorn's logger with the access log's request line, path, query and referrer redacted."""

        def atoms(self, resp, req, environ, request_time):
            return {k: redact(v) for k, v in super().atoms(resp, req, environ, request_time).items()}
