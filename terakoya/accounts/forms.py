"""Sign-in forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from terakoya.accounts.codes import CODE_LENGTH


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "ユーザー名またはパスワードが違います。大文字と小文字も確かめてください。"
        ),
        "inactive": _("このアカウントは使えません。学校に問い合わせてください。"),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].label = _("ユーザー名")
        self.fields["password"].label = _("パスワード")
        self.fields["username"].widget.attrs.update({"autocapitalize": "none"})


class ClassCodeForm(forms.Form):
    code = forms.CharField(
        label=_("クラスのコード"),
        min_length=CODE_LENGTH,
        max_length=CODE_LENGTH + 2,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "inputmode": "text",
                "class": "code-input",
                "autofocus": True,
            }
        ),
        error_messages={
            "min_length": _("コードは6文字です。"),
            "max_length": _("コードは6文字です。"),
            "required": _("コードを入れてください。"),
        },
    )


class CardTokenForm(forms.Form):
    token = forms.CharField(label=_("カードのコード"), max_length=100)
