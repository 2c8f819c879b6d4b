"""Forms for registering and changing people."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from terakoya.roster.choices import Grade, Role
from terakoya.web.forms import GuardedForm

_KANA = re.compile(r"^[\u3041-\u3096\u30a1-\u30fa\u30fc\u30fb\u3000 ]+$")
_HALF_WIDTH_KANA = re.compile(r"[\uff66-\uff9f]")


def _kana(value: str) -> str:
    if _HALF_WIDTH_KANA.search(value):
        raise forms.ValidationError(_("半角カタカナは使えません。全角で入力してください。"))
    if value and not _KANA.match(value):
        raise forms.ValidationError(_("ふりがなは ひらがな か カタカナ で入力してください。"))
    return value


STAFF_ROLE_CHOICES = [
    (Role.TEACHER.value, Role.TEACHER.label),
    (Role.NURSE.value, Role.NURSE.label),
    (Role.SCHOOL_ADMIN.value, Role.SCHOOL_ADMIN.label),
    (Role.PRINCIPAL.value, Role.PRINCIPAL.label),
    (Role.SPECIAL_SUPPORT.value, Role.SPECIAL_SUPPORT.label),
]


class PersonForm(GuardedForm):
    family_name = forms.CharField(label=_("姓"), max_length=50)
    given_name = forms.CharField(label=_("名"), max_length=50)
    family_name_kana = forms.CharField(label=_("せい(ふりがな)"), max_length=100)
    given_name_kana = forms.CharField(label=_("めい(ふりがな)"), max_length=100)
    birth_date = forms.DateField(
        label=_("生年月日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    email = forms.EmailField(label=_("メールアドレス"), required=False)
    phone = forms.CharField(label=_("電話番号"), max_length=30, required=False)

    def clean_family_name_kana(self) -> str:
        return _kana(self.cleaned_data["family_name_kana"])

    def clean_given_name_kana(self) -> str:
        return _kana(self.cleaned_data["given_name_kana"])

    def clean_phone(self) -> str:
        value: str = self.cleaned_data.get("phone", "")
        if value and not re.fullmatch(r"[0-9０-９\-－ ()+]{6,20}", value):
            raise forms.ValidationError(_("電話番号は数字とハイフンで入力してください。"))
        return value

    def person_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data.get(name) or ("" if name != "birth_date" else None)
            for name in (
                "family_name",
                "given_name",
                "family_name_kana",
                "given_name_kana",
                "birth_date",
                "email",
                "phone",
            )
        }


class LearnerForm(PersonForm):
    grade = forms.ChoiceField(label=_("学年"), choices=Grade.choices)
    homeroom = forms.ChoiceField(label=_("学級"), choices=())
    shusseki_no = forms.IntegerField(label=_("出席番号"), min_value=1, max_value=99, required=False)

    def __init__(self, *args: Any, homerooms: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["homeroom"].choices = homerooms  # type: ignore[attr-defined]


class GuardianForm(PersonForm):
    children = forms.MultipleChoiceField(
        label=_("お子さん"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    relationship = forms.CharField(label=_("続柄"), max_length=20, required=False)

    def __init__(self, *args: Any, learners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["children"].choices = learners  # type: ignore[attr-defined]


class StaffForm(PersonForm):
    role = forms.ChoiceField(label=_("役割"), choices=STAFF_ROLE_CHOICES)


class RetireForm(GuardedForm):
    confirm = forms.BooleanField(label=_("この人の在籍・役割を終了します(記録は残ります)"))


class GroupForm(GuardedForm):
    name = forms.CharField(label=_("グループ名"), max_length=100)
    members = forms.MultipleChoiceField(
        label=_("メンバー"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, learners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = learners  # type: ignore[attr-defined]
