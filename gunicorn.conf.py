"""gunicorn reads this file from the working directory: the access log without personal tokens
(absolutt.log_redaction)."""

from absolutt.log_redaction import GunicornLogger

logger_class = GunicornLogger
