"""Form helpers shared by every app: the My Number guard on every text field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import get_language

from terakoya.privacy.guards import RefusedInput, check_identifier, check_text


class GuardedForm(forms.Form):
    """A form whose every text value passes the My Number guard (and whose field names pass
    the prohibited-category filter) before it is valid. The refused value is cleared from the
    re-displayed form so it is not even echoed back."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in list(self.fields):
            try:
                check_identifier(name, location=name)
            except RefusedInput as error:
                self.add_error(None, error.message(get_language()))
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                try:
                    check_text(value, location=name)
                except RefusedInput as error:
                    self.add_error(name, error.message(get_language()))
                    # Do not echo the refused value back into the re-displayed form.
                    if isinstance(self.data, QueryDict):
                        data = self.data.copy()
                        data[self.add_prefix(name)] = ""
                        self.data = data
        return cleaned
