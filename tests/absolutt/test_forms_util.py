"""``LongSelect`` writes the same element as Django's ``Select`` (it only skips the template per option); HTML written in
Python is escaped as the template engine escapes."""

import re

import pytest
from django import forms
from django.utils.safestring import mark_safe

from absolutt.core.markup import escape
from absolutt.forms_util import LongSelect

CHOICES = [("", "– none –"), (1, "A & <b>"), (2, 'Ø "q"'), (5, mark_safe("<i>safe</i>")), ("Group", [(3, "x"), (4, "y")])]


def normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", ["2", 4, None, "", "nope"])
def test_long_select_renders_what_select_renders(value):
    attrs = {"id": "id_m", "class": "form-select", "aria-describedby": "id_m_help", "required": True, "disabled": False}
    expected = forms.Select(choices=CHOICES).render("m", value, attrs)
    assert normalised(LongSelect(choices=CHOICES).render("m", value, attrs)) == normalised(expected)


def test_markup_escapes_as_the_template_engine_does():
    assert escape('<a href="x">Ø & \'y\'</a>') == "&lt;a href=&quot;x&quot;&gt;Ø &amp; &#x27;y&#x27;&lt;/a&gt;"
    assert escape(mark_safe("<i>ok</i>")) == "<i>ok</i>"
    assert escape(3) == "3"
