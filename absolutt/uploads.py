"""One check for every uploaded file (samling materials, mellomarbeid attachments): a plain file name,
an allowed type and the size limit, with a clear message in the user's language."""

import mimetypes
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def upload_check(upload, *, field: str = "file") -> tuple[str, str]:
    """Return the file's own name (any folders stripped) and its content type, or raise ValidationError."""
    original = PurePath(upload.name.replace("\\", "/")).name
    if original in ("", ".", ".."):
        raise ValidationError({field: _("The file needs a name.")})
    suffix = PurePath(original).suffix.lower().lstrip(".")
    if suffix not in settings.ABSOLUTT_MATERIAL_TYPES:
        raise ValidationError({field: _("Files of type .%(ext)s are not allowed. Allowed: %(allowed)s.") % {
            "ext": suffix or "?", "allowed": ", ".join(sorted(settings.ABSOLUTT_MATERIAL_TYPES))}})
    if upload.size > settings.ABSOLUTT_MATERIAL_MAX_BYTES:
        raise ValidationError({field: _("The file is too large (%(size)s MB). The limit is %(limit)s MB.") % {
            "size": round(upload.size / 1024 / 1024, 1), "limit": settings.ABSOLUTT_MATERIAL_MAX_BYTES // 1024 // 1024}})
    return original[:255], mimetypes.guess_type(original)[0] or "application/octet-stream"


def store(row, name: str, upload, *, field: str = "file") -> None:
    """Save ``upload`` as ``name`` in the row's file field, then the row; when the row cannot be saved, the
    file is removed again, so no file is left on disk without its row."""
    getattr(row, field).save(name, upload, save=False)
    try:
        row.save()
    except Exception:
        getattr(row, field).delete(save=False)
        raise
