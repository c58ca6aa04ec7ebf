"""Materials of a samling: upload and download only for people in the round, refused types, sizes and names,
deletion with the file. Messages are checked in Norwegian, the language the people using the platform see."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sessions_app import services
from sessions_app.models import Material

from ..sessions_app.factories import (
    AgendaItemFactory,
    GatheringFactory,
    MaterialFactory,
    post_text,
    text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def upload_url(g):
    return reverse("sessions_app:material_upload", args=[g.pk])


def test_upload_and_download_only_for_people_in_the_round(client, cast, media):
    a = cast.a
    gathering = GatheringFactory(round=a.round)
    client.force_login(a.regional_coordinator)
    content = b"%PDF-1.4 innhold"
    page = post_text(client, upload_url(gathering), {
        "title": "Presentasjon", "agenda_item": "", "file": SimpleUploadedFile("Innledning ÆØÅ.pdf", content)})
    assert "Filen er lastet opp." in page
    material = Material.objects.get()
    assert material.original_name == "Innledning ÆØÅ.pdf" and material.content_type == "application/pdf"
    assert material.size == len(content)
    assert material.file.name.startswith(f"materials/{gathering.pk}/")
    assert (media / material.file.name).read_bytes() == content
    assert "Presentasjon" in page and material.get_absolute_url() in page

    url = material.get_absolute_url()
    for user in [a.regional_coordinator, a.municipal_coordinator, a.core_group_member, a.competence_partner,
                 cast.national_lead]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user.email
        assert b"".join(response.streaming_content) == content
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Cache-Control"] == "private, no-store"
    for user in [cast.b.regional_coordinator, cast.b.municipal_coordinator, cast.outsider]:
        client.force_login(user)
        assert client.get(url).status_code == 404, user.email
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize("name", ["virus.exe", "skript.EXE", "uten-endelse", "side.html"])
def test_disallowed_type_refused_and_nothing_saved(client, cast, media, name):
    gathering = GatheringFactory(round=cast.a.round)
    client.force_login(cast.a.regional_coordinator)
    response = client.post(upload_url(gathering), {"title": "", "agenda_item": "",
                                                   "file": SimpleUploadedFile(name, b"MZ\x90\x00")})
    assert response.status_code == 200
    suffix = name.rsplit(".", 1)[1].lower() if "." in name else "?"
    assert f"Filer av typen .{suffix} er ikke tillatt." in text(response)
    assert "file" in response.context["form"].errors
    assert not Material.objects.exists()
    assert stored_files(media) == []


def test_oversize_file_refused_and_nothing_saved(client, cast, media, settings):
    settings.ABSOLUTT_MATERIAL_MAX_BYTES = 1024 * 1024
    gathering = GatheringFactory(round=cast.a.round)
    client.force_login(cast.a.regional_coordinator)
    response = client.post(upload_url(gathering), {
        "title": "Stor", "agenda_item": "", "file": SimpleUploadedFile("stor.pdf", b"x" * (1024 * 1024 + 1))})
    assert response.status_code == 200
    assert "Filen er for stor (1.0 MB). Grensen er 1 MB." in text(response)
    assert not Material.objects.exists()
    assert stored_files(media) == []

    response = client.post(upload_url(gathering), {
        "title": "Akkurat nok", "agenda_item": "", "file": SimpleUploadedFile("ok.pdf", b"x" * (1024 * 1024))})
    assert response.status_code == 302 and Material.objects.count() == 1


def test_file_name_with_path_parts_is_stored_safely(client, cast, media):
    gathering = GatheringFactory(round=cast.a.round)
    # Through the web, with the path in the multipart header as a hostile client would send it.
    boundary = "grense"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"agenda_item\"\r\n\r\n\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../etc/passwd.pdf\"\r\n"
        f"Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--{boundary}--\r\n"
    ).encode()
    client.force_login(cast.a.regional_coordinator)
    response = client.post(upload_url(gathering), body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 302
    # And straight to the service, which must not rely on the upload handler having cleaned the name.
    for hostile in ["../../etc/passwd.pdf", "..\\..\\Windows\\system.ini.txt", "/abs/olutt/rapport.docx"]:
        services.material_upload(gathering=gathering, agenda_item=None, title="", upload=ContentFile(b"data", name=hostile),
                                  by_user=cast.a.regional_coordinator)
    materials = list(Material.objects.order_by("pk"))
    assert [m.original_name for m in materials] == ["passwd.pdf", "passwd.pdf", "system.ini.txt", "rapport.docx"]
    for m in materials:
        assert "/" not in m.original_name and "\\" not in m.original_name and ".." not in m.original_name
        assert m.file.name.startswith(f"materials/{gathering.pk}/") and ".." not in m.file.name
        assert (media / m.file.name).resolve().is_relative_to(media.resolve())
    assert all(p.resolve().is_relative_to((media / "materials").resolve()) for p in stored_files(media))
    response = client.get(materials[0].get_absolute_url())
    assert 'filename="passwd.pdf"' in response["Content-Disposition"]


def test_material_for_an_agenda_item_of_another_samling_refused(cast, media):
    gathering = GatheringFactory(round=cast.a.round)
    foreign_item = AgendaItemFactory(gathering=GatheringFactory(round=cast.a.round))
    with pytest.raises(ValidationError):
        services.material_upload(gathering=gathering, agenda_item=foreign_item, title="",
                                 upload=ContentFile(b"data", name="a.pdf"), by_user=cast.a.regional_coordinator)
    assert not Material.objects.exists() and stored_files(media) == []


def test_organiser_deletes_material_and_its_file(client, cast, media):
    material = MaterialFactory(gathering=GatheringFactory(round=cast.a.round))
    path = media / material.file.name
    assert path.exists()
    client.force_login(cast.a.regional_coordinator)
    response = client.post(reverse("sessions_app:material_delete", args=[material.gathering_id, material.pk]))
    assert response.status_code == 302
    assert not Material.objects.exists() and not path.exists()
