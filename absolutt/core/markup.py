"""HTML written in Python, for the few places where a template would cost too much per item (a table of
thousands of cells, a select of hundreds of options): escaped exactly as the template engine escapes."""

import html


def escape(value) -> str:
    """As ``{{ value }}`` in a template: escaped, unless it is already safe HTML."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))
