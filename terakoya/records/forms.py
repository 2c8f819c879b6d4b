"""Forms of the LRS client administration page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from terakoya.privacy.categories import DataCategory
from terakoya.privacy.purposes import PURPOSES

#: Purposes an LRS client may be bound to: those that cover learning records.
CLIENT_PURPOSES = [
    (info.purpose.value, f"{info.title_ja} / {info.title_en}")
    for info in PURPOSES.values()
    if DataCategory.STUDY_LOG in info.categories
]


class ClientForm(forms.Form):
    name = forms.CharField(label=_("ツールの名前"), max_length=100)
    purpose = forms.ChoiceField(label=_("利用目的"), choices=CLIENT_PURPOSES)
    can_read = forms.BooleanField(label=_("記録を読める"), required=False, initial=True)
    can_write = forms.BooleanField(label=_("記録を書ける"), required=False, initial=True)
    pseudonymous = forms.BooleanField(
        label=_("外部のツール(学習者を仮名のIDで扱う)"), required=False, initial=True
    )
